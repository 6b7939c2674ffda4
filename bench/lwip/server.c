/*
 * The same-run baseline of `npm run bench`: discard (9), chargen (19) and an HTTP/1.0
 * server of `/bytes/N` (80) on lwIP, the embedded stack most boards ship, over the same TAP
 * device the xstcp boards use. It links Debian's liblwip (lwIP 2.1 with its unix port:
 * threads, TCP_WND 65535 with window scaling, MSS 1460) and uses lwIP's raw API on the
 * tcpip thread, as a firmware server would. Written for the benchmark only.
 *
 * The TAP netif is our own: the library's tapif copies a received frame longer than one
 * pool buffer past the end of it (valgrind: invalid writes in pbuf_take from the tapif
 * thread; glibc aborts during an upload of full-size segments).
 *
 *   lwip-server TAP IP/PREFIX      prints "ready" on stderr, serves until SIGINT/SIGTERM
 */
#include <lwip/init.h>
#include <lwip/ip4_addr.h>
#include <lwip/netif.h>
#include <lwip/tcp.h>
#include <lwip/tcpip.h>
#include <lwip/sys.h>
#include <lwip/etharp.h>
#include <netif/ethernet.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* chargen: RFC 864's 95 printable characters in lines of 72 + CR LF, each line one on. */
#define CHARGEN_CHARS 95
#define CHARGEN_LINE 74
/* One period of the chargen pattern, and enough of the HTTP body pattern (byte i = i % 251). */
static uint8_t gChargen[CHARGEN_CHARS * CHARGEN_LINE];
#define BODY_PERIOD 251
static uint8_t gBody[BODY_PERIOD * 64];

static void fillPatterns(void)
{
	for (int line = 0; line < CHARGEN_CHARS; line++) {
		for (int col = 0; col < 72; col++) gChargen[line * CHARGEN_LINE + col] = (uint8_t)(0x20 + (line + col) % CHARGEN_CHARS);
		gChargen[line * CHARGEN_LINE + 72] = '\r';
		gChargen[line * CHARGEN_LINE + 73] = '\n';
	}
	for (size_t i = 0; i < sizeof(gBody); i++) gBody[i] = (uint8_t)(i % BODY_PERIOD);
}

/* ---- discard ------------------------------------------------------------------------ */

static err_t discardRecv(void* arg, struct tcp_pcb* pcb, struct pbuf* p, err_t err)
{
	(void)arg;
	(void)err;
	if (p == NULL) {
		tcp_close(pcb);
		return ERR_OK;
	}
	tcp_recved(pcb, p->tot_len);
	pbuf_free(p);
	return ERR_OK;
}

static err_t discardAccept(void* arg, struct tcp_pcb* pcb, err_t err)
{
	(void)arg;
	if (err != ERR_OK || pcb == NULL) return ERR_VAL;
	tcp_recv(pcb, discardRecv);
	return ERR_OK;
}

/* ---- chargen and the HTTP body: keep lwIP's send buffer full ----------------------------- */

typedef struct {
	uint64_t sent;      /* bytes queued so far */
	uint64_t length;    /* bytes to send; UINT64_MAX for chargen */
	int chargen;
	int closing;
	char request[512];
	size_t requestLength;
	int responding;
} Session;

static void fill(struct tcp_pcb* pcb, Session* s)
{
	while (s->sent < s->length) {
		u16_t room = tcp_sndbuf(pcb);
		if (room == 0 || tcp_sndqueuelen(pcb) >= TCP_SND_QUEUELEN - 1) break;
		const uint8_t* base = s->chargen ? gChargen : gBody;
		size_t period = s->chargen ? sizeof(gChargen) : BODY_PERIOD;
		size_t span = s->chargen ? sizeof(gChargen) : sizeof(gBody);
		size_t at = (size_t)(s->sent % period);
		uint64_t n = span - at;
		if (n > room) n = room;
		if (n > s->length - s->sent) n = s->length - s->sent;
		/* The patterns are static: no copy into lwIP's buffers. */
		if (tcp_write(pcb, base + at, (u16_t)n, 0) != ERR_OK) break;
		s->sent += n;
	}
	tcp_output(pcb);
}

static err_t sessionSent(void* arg, struct tcp_pcb* pcb, u16_t len)
{
	Session* s = arg;
	(void)len;
	if (s == NULL) return ERR_OK;
	if (s->sent < s->length) {
		fill(pcb, s);
	} else if (!s->chargen && !s->closing && tcp_sndqueuelen(pcb) == 0) {
		s->closing = 1;
		tcp_arg(pcb, NULL);
		free(s);
		tcp_close(pcb);
	}
	return ERR_OK;
}

static void sessionError(void* arg, err_t err)
{
	(void)err;
	free(arg); /* lwIP has freed the pcb already */
}

static err_t sessionEnd(struct tcp_pcb* pcb, Session* s)
{
	tcp_arg(pcb, NULL);
	tcp_recv(pcb, NULL);
	tcp_sent(pcb, NULL);
	tcp_err(pcb, NULL);
	free(s);
	tcp_close(pcb);
	return ERR_OK;
}

static void respond(struct tcp_pcb* pcb, Session* s)
{
	char head[160];
	unsigned long long n = 0;
	const char* status = "404 Not Found";
	if (sscanf(s->request, "GET /bytes/%llu", &n) == 1) status = "200 OK";
	else n = 0;
	int length = snprintf(head, sizeof(head), "HTTP/1.0 %s\r\nContent-Type: application/octet-stream\r\nContent-Length: %llu\r\nConnection: close\r\n\r\n", status, n);
	tcp_write(pcb, head, (u16_t)length, TCP_WRITE_FLAG_COPY);
	s->responding = 1;
	s->length = n;
	fill(pcb, s);
}

static err_t httpRecv(void* arg, struct tcp_pcb* pcb, struct pbuf* p, err_t err)
{
	Session* s = arg;
	(void)err;
	if (p == NULL) return sessionEnd(pcb, s);
	tcp_recved(pcb, p->tot_len);
	if (!s->responding) {
		size_t room = sizeof(s->request) - 1 - s->requestLength;
		size_t n = p->tot_len < room ? p->tot_len : room;
		pbuf_copy_partial(p, s->request + s->requestLength, (u16_t)n, 0);
		s->requestLength += n;
		s->request[s->requestLength] = 0;
		if (strstr(s->request, "\r\n\r\n") || s->requestLength == sizeof(s->request) - 1) respond(pcb, s);
	}
	pbuf_free(p);
	return ERR_OK;
}

static err_t chargenRecv(void* arg, struct tcp_pcb* pcb, struct pbuf* p, err_t err)
{
	(void)err;
	if (p == NULL) return sessionEnd(pcb, arg);
	tcp_recved(pcb, p->tot_len);
	pbuf_free(p);
	return ERR_OK;
}

static err_t sessionAccept(void* arg, struct tcp_pcb* pcb, err_t err)
{
	int chargen = arg != NULL;
	if (err != ERR_OK || pcb == NULL) return ERR_VAL;
	Session* s = calloc(1, sizeof(Session));
	if (s == NULL) return ERR_MEM;
	s->chargen = chargen;
	s->length = chargen ? UINT64_MAX : 0;
	tcp_arg(pcb, s);
	tcp_err(pcb, sessionError);
	tcp_sent(pcb, sessionSent);
	tcp_recv(pcb, chargen ? chargenRecv : httpRecv);
	if (chargen) fill(pcb, s);
	return ERR_OK;
}

static void listenOn(u16_t port, tcp_accept_fn accept, void* arg)
{
	struct tcp_pcb* pcb = tcp_new();
	if (pcb == NULL || tcp_bind(pcb, IP_ADDR_ANY, port) != ERR_OK) {
		fprintf(stderr, "lwip-server: cannot bind port %u\n", port);
		exit(1);
	}
	pcb = tcp_listen_with_backlog(pcb, 255);
	tcp_arg(pcb, arg);
	tcp_accept(pcb, accept);
}

/* ---- the TAP netif: a reader thread hands frames to tcpip_input, output writes them ------ */

static int gTap = -1;

static err_t tapOutput(struct netif* netif, struct pbuf* p)
{
	uint8_t frame[1536];
	(void)netif;
	if (p->tot_len > sizeof(frame)) return ERR_BUF;
	u16_t n = pbuf_copy_partial(p, frame, p->tot_len, 0);
	return write(gTap, frame, n) == n ? ERR_OK : ERR_IF;
}

static void* tapReader(void* arg)
{
	struct netif* netif = arg;
	uint8_t frame[16384];
	for (;;) {
		ssize_t n = read(gTap, frame, sizeof(frame));
		if (n <= 0 || n > 0xffff) continue;
		struct pbuf* p = pbuf_alloc(PBUF_RAW, (u16_t)n, PBUF_RAM);
		if (p == NULL) continue;
		pbuf_take(p, frame, (u16_t)n);
		if (netif->input(p, netif) != ERR_OK) pbuf_free(p);
	}
	return NULL;
}

static err_t tapInit(struct netif* netif)
{
	static const uint8_t mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 };
	netif->name[0] = 't';
	netif->name[1] = 'p';
	netif->output = etharp_output;
	netif->linkoutput = tapOutput;
	netif->mtu = 1500;
	netif->hwaddr_len = 6;
	memcpy(netif->hwaddr, mac, 6);
	netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_LINK_UP;
	return ERR_OK;
}

static int tapOpen(const char* name)
{
	struct ifreq request;
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0 || strlen(name) >= IFNAMSIZ) return -1;
	memset(&request, 0, sizeof(request));
	request.ifr_flags = IFF_TAP | IFF_NO_PI;
	memcpy(request.ifr_name, name, strlen(name));
	if (ioctl(fd, TUNSETIFF, &request) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static sys_sem_t gStarted;
static void started(void* arg)
{
	(void)arg;
	sys_sem_signal(&gStarted);
}

int main(int argc, char** argv)
{
	unsigned a, b, c, d, prefix;
	if (argc != 3 || sscanf(argv[2], "%u.%u.%u.%u/%u", &a, &b, &c, &d, &prefix) != 5 || prefix > 32) {
		fprintf(stderr, "usage: lwip-server TAP A.B.C.D/N\n");
		return 2;
	}
	gTap = tapOpen(argv[1]);
	if (gTap < 0) {
		perror("lwip-server: TAP device");
		return 1;
	}
	fillPatterns();
	sigset_t signals;
	sigemptyset(&signals);
	sigaddset(&signals, SIGINT);
	sigaddset(&signals, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &signals, NULL); /* lwIP's threads inherit the mask */

	sys_sem_new(&gStarted, 0);
	tcpip_init(started, NULL);
	sys_sem_wait(&gStarted);

	static struct netif netif;
	ip4_addr_t address, netmask, gateway;
	IP4_ADDR(&address, a, b, c, d);
	ip4_addr_set_u32(&netmask, prefix == 0 ? 0 : lwip_htonl(0xffffffffu << (32 - prefix)));
	ip4_addr_set_zero(&gateway);
	LOCK_TCPIP_CORE();
	netif_add(&netif, &address, &netmask, &gateway, NULL, tapInit, tcpip_input);
	netif_set_default(&netif);
	netif_set_up(&netif);
	netif_set_link_up(&netif);
	listenOn(9, discardAccept, NULL);
	listenOn(19, sessionAccept, (void*)1);
	listenOn(80, sessionAccept, NULL);
	UNLOCK_TCPIP_CORE();
	pthread_t reader;
	pthread_create(&reader, NULL, tapReader, &netif);
	fprintf(stderr, "ready\n");

	int signal = 0;
	sigwait(&signals, &signal);
	return 0;
}
