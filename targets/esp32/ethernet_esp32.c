/*
 * The ESP32 driver of the Ethernet host module (gXstcpEthernetDriver on esp32) and its
 * Moddable glue, written against ESP-IDF v5's esp_eth API (v5.4 and later: smi_gpio):
 * the internal EMAC over RMII with a LAN87xx PHY (WT32-ETH01, Olimex ESP32-POE), raw
 * frames only — no esp_netif glue, no lwIP.
 *
 *   receive   esp_eth's receive task calls onFrame (esp_eth_update_input_path): the frame
 *             is copied into the bounded queue and freed; on the empty -> non-empty edge
 *             one message goes to the VM (modMessagePostToMachine), whose callback runs
 *             the JavaScript onReadable. A message that cannot be posted (VM queue full)
 *             is posted again on the next frame, so the VM is never left unwoken.
 *   transmit  esp_eth_transmit (copied into the EMAC's DMA buffers before it returns).
 *   link      ETH_EVENT connected/disconnected on the default event loop.
 *
 * Board settings (manifest defines -> MODDEF_XSTCP_ETHERNET_*; WT32-ETH01 by default):
 * PHY_ADDRESS, MDC, MDIO, POWER_PIN (-1: none; enables the PHY's oscillator),
 * CLOCK_GPIO (0: 50 MHz reference clock into GPIO0; 16 or 17: the ESP32 drives it).
 *
 * Compile-checked on the host against targets/esp32/check/ (declarations of exactly what
 * this file uses); not run here.
 */
#include "xstcp_ethernet.h"
#include "xsHost.h"
#include "esp_eth.h"
#include "esp_event.h"
#include "esp_mac.h"
#include "driver/gpio.h"
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef MODDEF_XSTCP_ETHERNET_PHY_ADDRESS
#define MODDEF_XSTCP_ETHERNET_PHY_ADDRESS 1
#endif
#ifndef MODDEF_XSTCP_ETHERNET_MDC
#define MODDEF_XSTCP_ETHERNET_MDC 23
#endif
#ifndef MODDEF_XSTCP_ETHERNET_MDIO
#define MODDEF_XSTCP_ETHERNET_MDIO 18
#endif
#ifndef MODDEF_XSTCP_ETHERNET_POWER_PIN
#define MODDEF_XSTCP_ETHERNET_POWER_PIN 16
#endif
#ifndef MODDEF_XSTCP_ETHERNET_CLOCK_GPIO
#define MODDEF_XSTCP_ETHERNET_CLOCK_GPIO 0
#endif

/* The chip has one EMAC: one device record. */
typedef struct {
	esp_eth_handle_t handle;
	esp_eth_mac_t* mac;
	esp_eth_phy_t* phy;
	xsMachine* the;
	volatile uint8_t linkUp;
	volatile uint8_t repost;    /* the last edge's message could not be posted */
	uint8_t eventRegistered;
	uint8_t started;
	/* Bumped when the glue stops, so a message already on its way is ignored. */
	volatile uint32_t generation;
} Esp32Ethernet;

static Esp32Ethernet gDevice;
static xstcpEthernet* volatile gOpen;

static void deliverMessage(void* the, void* refcon, uint8_t* message, uint16_t length)
{
	uint32_t generation;
	(void)the;
	if ((length != sizeof(generation)) || (refcon != gOpen))
		return;
	memcpy(&generation, message, sizeof(generation));
	if (generation == gDevice.generation)
		xstcpEthernetDeliver(refcon);
}

/* eth->signal: runs in esp_eth's receive task. */
static void postSignal(xstcpEthernet* eth)
{
	uint32_t generation = gDevice.generation;
	gDevice.repost = 0;
	if (modMessagePostToMachine(gDevice.the, (uint8_t*)&generation, sizeof(generation), deliverMessage, eth) != 0)
		gDevice.repost = 1;
}

static esp_err_t onFrame(esp_eth_handle_t handle, uint8_t* buffer, uint32_t length, void* context)
{
	xstcpEthernet* eth = context;
	(void)handle;
	/* The driver hands the buffer over: ours to free, queued or not. */
	(void)xstcpEthernetReceived(eth, buffer, length);
	free(buffer);
	if (gDevice.repost && eth->signal)
		eth->signal(eth);
	return ESP_OK;
}

static void onEthernetEvent(void* context, esp_event_base_t base, int32_t id, void* data)
{
	(void)context;
	(void)base;
	(void)data;
	if (id == ETHERNET_EVENT_CONNECTED)
		gDevice.linkUp = 1;
	else if ((id == ETHERNET_EVENT_DISCONNECTED) || (id == ETHERNET_EVENT_STOP))
		gDevice.linkUp = 0;
}

static void release(void)
{
	if (gDevice.started)
		(void)esp_eth_stop(gDevice.handle);
	if (gDevice.eventRegistered)
		(void)esp_event_handler_unregister(ETH_EVENT, ESP_EVENT_ANY_ID, onEthernetEvent);
	if (gDevice.handle) {
		(void)esp_eth_update_input_path(gDevice.handle, NULL, NULL);
		(void)esp_eth_driver_uninstall(gDevice.handle);
	}
	if (gDevice.phy)
		(void)gDevice.phy->del(gDevice.phy);
	if (gDevice.mac)
		(void)gDevice.mac->del(gDevice.mac);
	gDevice.handle = NULL;
	gDevice.phy = NULL;
	gDevice.mac = NULL;
	gDevice.started = 0;
	gDevice.eventRegistered = 0;
	gDevice.linkUp = 0;
}

static int fail(char* error, size_t errorSize, const char* step, esp_err_t code)
{
	snprintf(error, errorSize, "%s failed: %s", step, esp_err_to_name(code));
	release();
	return -1;
}

static int esp32Open(xstcpEthernet* eth, const char* device, char* error, size_t errorSize)
{
	eth_mac_config_t macConfig = ETH_MAC_DEFAULT_CONFIG();
	eth_esp32_emac_config_t emacConfig = ETH_ESP32_EMAC_DEFAULT_CONFIG();
	eth_phy_config_t phyConfig = ETH_PHY_DEFAULT_CONFIG();
	esp_eth_config_t config;
	esp_err_t code;
	(void)device;
	if (gOpen || gDevice.handle) {
		snprintf(error, errorSize, "the EMAC is already open");
		return -1;
	}
	if (MODDEF_XSTCP_ETHERNET_POWER_PIN >= 0) {
		gpio_reset_pin(MODDEF_XSTCP_ETHERNET_POWER_PIN);
		gpio_set_direction(MODDEF_XSTCP_ETHERNET_POWER_PIN, GPIO_MODE_OUTPUT);
		gpio_set_level(MODDEF_XSTCP_ETHERNET_POWER_PIN, 1);
		vTaskDelay(pdMS_TO_TICKS(10)); /* let the oscillator start */
	}
	emacConfig.smi_gpio.mdc_num = MODDEF_XSTCP_ETHERNET_MDC;
	emacConfig.smi_gpio.mdio_num = MODDEF_XSTCP_ETHERNET_MDIO;
	emacConfig.clock_config.rmii.clock_mode = (MODDEF_XSTCP_ETHERNET_CLOCK_GPIO == 0) ? EMAC_CLK_EXT_IN : EMAC_CLK_OUT;
	emacConfig.clock_config.rmii.clock_gpio = MODDEF_XSTCP_ETHERNET_CLOCK_GPIO;
	phyConfig.phy_addr = MODDEF_XSTCP_ETHERNET_PHY_ADDRESS;
	phyConfig.reset_gpio_num = -1;
	gDevice.mac = esp_eth_mac_new_esp32(&emacConfig, &macConfig);
	if (!gDevice.mac)
		return fail(error, errorSize, "esp_eth_mac_new_esp32", ESP_FAIL);
	gDevice.phy = esp_eth_phy_new_lan87xx(&phyConfig);
	if (!gDevice.phy)
		return fail(error, errorSize, "esp_eth_phy_new_lan87xx", ESP_FAIL);
	memset(&config, 0, sizeof(config));
	config.mac = gDevice.mac;
	config.phy = gDevice.phy;
	config.check_link_period_ms = 2000;
	code = esp_eth_driver_install(&config, &gDevice.handle);
	if (code != ESP_OK)
		return fail(error, errorSize, "esp_eth_driver_install", code);
	if (eth->hasMac)
		code = esp_eth_ioctl(gDevice.handle, ETH_CMD_S_MAC_ADDR, eth->mac);
	else {
		code = esp_read_mac(eth->mac, ESP_MAC_ETH);
		if (code == ESP_OK)
			code = esp_eth_ioctl(gDevice.handle, ETH_CMD_S_MAC_ADDR, eth->mac);
		eth->hasMac = (code == ESP_OK);
	}
	if (code != ESP_OK)
		return fail(error, errorSize, "setting the MAC address", code);
	code = esp_event_loop_create_default();
	if ((code != ESP_OK) && (code != ESP_ERR_INVALID_STATE)) /* INVALID_STATE: it exists */
		return fail(error, errorSize, "esp_event_loop_create_default", code);
	code = esp_event_handler_register(ETH_EVENT, ESP_EVENT_ANY_ID, onEthernetEvent, NULL);
	if (code != ESP_OK)
		return fail(error, errorSize, "esp_event_handler_register", code);
	gDevice.eventRegistered = 1;
	code = esp_eth_update_input_path(gDevice.handle, onFrame, eth);
	if (code != ESP_OK)
		return fail(error, errorSize, "esp_eth_update_input_path", code);
	code = esp_eth_start(gDevice.handle);
	if (code != ESP_OK)
		return fail(error, errorSize, "esp_eth_start", code);
	gDevice.started = 1;
	eth->state = &gDevice;
	eth->descriptor = -1;
	return 0;
}

static int esp32Transmit(xstcpEthernet* eth, const uint8_t* frame, size_t length)
{
	(void)eth;
	if (!gDevice.started || !gDevice.linkUp)
		return 0;
	return esp_eth_transmit(gDevice.handle, (void*)frame, length) == ESP_OK;
}

static int esp32LinkUp(xstcpEthernet* eth)
{
	(void)eth;
	return gDevice.linkUp;
}

static void esp32Close(xstcpEthernet* eth)
{
	release();
	eth->state = NULL;
}

const xstcpEthernetDriver gXstcpEthernetDriver = {
	"esp32",
	esp32Open,
	esp32Transmit,
	esp32LinkUp,
	esp32Close,
	NULL, /* frames arrive from esp_eth's receive task */
};

/* ---- Moddable glue ---- */

int xstcpEthernetGlueStart(xstcpEthernet* eth, void* machine, char* error, size_t errorSize)
{
	(void)error;
	(void)errorSize;
	gDevice.the = machine;
	gDevice.repost = 0;
	eth->signal = postSignal;
	gOpen = eth;
	/* Frames that came between esp_eth_start and now raised an edge nobody heard. */
	if (xstcpFrameQueueCount(&eth->rx) > 0)
		postSignal(eth);
	return 0;
}

void xstcpEthernetGlueStop(xstcpEthernet* eth)
{
	eth->signal = NULL;
	gOpen = NULL;
	gDevice.generation = gDevice.generation + 1;
}
