/*
 * The Ethernet host module's JavaScript class: every method is a host function of
 * targets/common/ethernet_xs.c (which documents them). Written in XS 17's Native API so
 * that it is plain JavaScript: Moddable's xsc binds Native("...")/native("...") at build
 * time; our XS 13.3 host and the firmware provide Native and native as globals that look
 * the same names up in their table of host functions.
 */
class Ethernet extends Native("xs_ethernet_destructor") {
	constructor(options) {
		super();
		native("xs_ethernet_constructor").call(this, options);
	}
	write(bytes) {
		return native("xs_ethernet_write").call(this, bytes);
	}
	read(buffer) {
		return native("xs_ethernet_read").call(this, buffer);
	}
	close() {
		native("xs_ethernet_close").call(this);
	}
	get macAddress() {
		return native("xs_ethernet_get_macAddress").call(this);
	}
	get linkUp() {
		return native("xs_ethernet_get_linkUp").call(this);
	}
	get stats() {
		return native("xs_ethernet_get_stats").call(this);
	}
}

export default Ethernet;
