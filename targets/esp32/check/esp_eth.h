/* Compile-check stand-in for ESP-IDF v5's esp_eth.h (esp_eth_driver.h, esp_eth_mac.h,
   esp_eth_mac_esp.h, esp_eth_phy.h, esp_eth_com.h): only what ethernet_esp32.c uses. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "esp_err.h"
#include "esp_event.h"

typedef void* esp_eth_handle_t;

typedef struct esp_eth_mac_s esp_eth_mac_t;
struct esp_eth_mac_s {
	/* (the other operations are not used) */
	esp_err_t (*del)(esp_eth_mac_t* mac);
};

typedef struct esp_eth_phy_s esp_eth_phy_t;
struct esp_eth_phy_s {
	esp_err_t (*del)(esp_eth_phy_t* phy);
};

typedef struct {
	uint32_t sw_reset_timeout_ms;
	uint32_t rx_task_stack_size;
	uint32_t rx_task_prio;
	uint32_t flags;
} eth_mac_config_t;

#define ETH_MAC_DEFAULT_CONFIG() { .sw_reset_timeout_ms = 100, .rx_task_stack_size = 4096, .rx_task_prio = 15, .flags = 0 }

typedef enum {
	EMAC_DATA_INTERFACE_RMII,
	EMAC_DATA_INTERFACE_MII,
} eth_data_interface_t;

typedef enum {
	EMAC_CLK_EXT_IN,
	EMAC_CLK_OUT,
} emac_rmii_clock_mode_t;

typedef union {
	struct {
		emac_rmii_clock_mode_t clock_mode;
		int clock_gpio;
	} rmii;
} eth_mac_clock_config_t;

typedef struct {
	int mdc_num;
	int mdio_num;
} emac_esp_smi_gpio_config_t;

typedef struct {
	emac_esp_smi_gpio_config_t smi_gpio;
	eth_data_interface_t interface;
	eth_mac_clock_config_t clock_config;
	int dma_burst_len;
	int intr_priority;
	int32_t mdc_freq_hz;
} eth_esp32_emac_config_t;

#define ETH_ESP32_EMAC_DEFAULT_CONFIG() { \
	.smi_gpio = { .mdc_num = 23, .mdio_num = 18 }, \
	.interface = EMAC_DATA_INTERFACE_RMII, \
	.clock_config = { .rmii = { .clock_mode = EMAC_CLK_EXT_IN, .clock_gpio = 0 } }, \
	.dma_burst_len = 0, \
	.intr_priority = 0, \
	.mdc_freq_hz = 0 }

typedef struct {
	int32_t phy_addr;
	uint32_t reset_timeout_ms;
	uint32_t autonego_timeout_ms;
	int reset_gpio_num;
	uint32_t hw_reset_assert_time_us;
	uint32_t post_hw_reset_delay_ms;
} eth_phy_config_t;

#define ETH_PHY_DEFAULT_CONFIG() { .phy_addr = -1, .reset_timeout_ms = 100, .autonego_timeout_ms = 4000, \
	.reset_gpio_num = 5, .hw_reset_assert_time_us = 0, .post_hw_reset_delay_ms = 0 }

typedef struct {
	esp_eth_mac_t* mac;
	esp_eth_phy_t* phy;
	uint32_t check_link_period_ms;
	esp_err_t (*stack_input)(esp_eth_handle_t eth_handle, uint8_t* buffer, uint32_t length, void* priv);
	esp_err_t (*stack_input_info)(esp_eth_handle_t eth_handle, uint8_t* buffer, uint32_t length, void* priv, void* info);
	esp_err_t (*on_lowlevel_init_done)(esp_eth_handle_t eth_handle);
	esp_err_t (*on_lowlevel_deinit_done)(esp_eth_handle_t eth_handle);
	esp_err_t (*read_phy_reg)(esp_eth_handle_t eth_handle, uint32_t phy_addr, uint32_t phy_reg, uint32_t* reg_value);
	esp_err_t (*write_phy_reg)(esp_eth_handle_t eth_handle, uint32_t phy_addr, uint32_t phy_reg, uint32_t reg_value);
} esp_eth_config_t;

typedef enum {
	ETH_CMD_G_MAC_ADDR,
	ETH_CMD_S_MAC_ADDR,
} esp_eth_io_cmd_t;

typedef enum {
	ETHERNET_EVENT_START,
	ETHERNET_EVENT_STOP,
	ETHERNET_EVENT_CONNECTED,
	ETHERNET_EVENT_DISCONNECTED,
} eth_event_t;

extern const esp_event_base_t ETH_EVENT;

esp_eth_mac_t* esp_eth_mac_new_esp32(const eth_esp32_emac_config_t* esp32_config, const eth_mac_config_t* config);
esp_eth_phy_t* esp_eth_phy_new_lan87xx(const eth_phy_config_t* config);
esp_err_t esp_eth_driver_install(const esp_eth_config_t* config, esp_eth_handle_t* out_hdl);
esp_err_t esp_eth_driver_uninstall(esp_eth_handle_t hdl);
esp_err_t esp_eth_start(esp_eth_handle_t hdl);
esp_err_t esp_eth_stop(esp_eth_handle_t hdl);
esp_err_t esp_eth_update_input_path(esp_eth_handle_t hdl,
	esp_err_t (*stack_input)(esp_eth_handle_t hdl, uint8_t* buffer, uint32_t length, void* priv), void* priv);
esp_err_t esp_eth_transmit(esp_eth_handle_t hdl, void* buf, size_t length);
esp_err_t esp_eth_ioctl(esp_eth_handle_t hdl, esp_eth_io_cmd_t cmd, void* data);
