/*
 * STM32F76x/77x registers used by the xstcp Nucleo-F767ZI image, written from the register
 * maps of the reference manual (RM0410) and the Cortex-M7 system control space. Only what
 * the start-up code, clock tree, console and Ethernet driver touch is here; no vendor HAL.
 */
#ifndef XSTCP_STM32F7_REGS_H
#define XSTCP_STM32F7_REGS_H

#include <stdint.h>

#define STM32_REG(address) (*(volatile uint32_t *)(uintptr_t)(address))
#define STM32_BIT(n) (1u << (n))

/*
 * Barriers between the CPU's writes to DMA memory and the DMA's reads: the Cortex-M7
 * instructions, or a full fence when the driver is compiled for its host test
 * (test/targets/stm32-ethernet-host.c maps the registers into a Linux process).
 */
#if defined(__arm__)
#define STM32_DSB() __asm volatile("dsb" ::: "memory")
#define STM32_DMB() __asm volatile("dmb" ::: "memory")
#else
#define STM32_DSB() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define STM32_DMB() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#endif

/* ---- Cortex-M7 system control space ---- */
#define SYSTICK_CTRL STM32_REG(0xE000E010u)
#define SYSTICK_LOAD STM32_REG(0xE000E014u)
#define SYSTICK_VAL STM32_REG(0xE000E018u)
#define SYSTICK_CTRL_ENABLE STM32_BIT(0)
#define SYSTICK_CTRL_TICKINT STM32_BIT(1)
#define SYSTICK_CTRL_CLKSOURCE_CPU STM32_BIT(2)

#define NVIC_ISER(n) STM32_REG(0xE000E100u + 4u * (n))
#define NVIC_ICER(n) STM32_REG(0xE000E180u + 4u * (n))
#define NVIC_IPR_BYTE(irq) (*(volatile uint8_t *)(0xE000E400u + (irq)))

#define SCB_VTOR STM32_REG(0xE000ED08u)
#define SCB_AIRCR STM32_REG(0xE000ED0Cu)
#define SCB_CCR STM32_REG(0xE000ED14u)
#define SCB_SHCSR STM32_REG(0xE000ED24u)
#define SCB_CFSR STM32_REG(0xE000ED28u)
#define SCB_HFSR STM32_REG(0xE000ED2Cu)
#define SCB_MMFAR STM32_REG(0xE000ED34u)
#define SCB_BFAR STM32_REG(0xE000ED38u)
#define SCB_CCSIDR STM32_REG(0xE000ED80u)
#define SCB_CSSELR STM32_REG(0xE000ED84u)
#define SCB_CPACR STM32_REG(0xE000ED88u)
#define SCB_ICIALLU STM32_REG(0xE000EF50u)
#define SCB_DCISW STM32_REG(0xE000EF60u)
#define SCB_CCR_DC STM32_BIT(16)
#define SCB_CCR_IC STM32_BIT(17)
#define SCB_AIRCR_RESET (0x05FA0000u | STM32_BIT(2)) /* VECTKEY + SYSRESETREQ */
#define SCB_SHCSR_FAULTS_ENABLE (STM32_BIT(16) | STM32_BIT(17) | STM32_BIT(18))

/* The DWT cycle counter: bounded waits that also work with interrupts masked. */
#define DEMCR STM32_REG(0xE000EDFCu)
#define DEMCR_TRCENA STM32_BIT(24)
#define DWT_CTRL STM32_REG(0xE0001000u)
#define DWT_CYCCNT STM32_REG(0xE0001004u)
#define DWT_LAR STM32_REG(0xE0001FB0u)
#define DWT_LAR_UNLOCK 0xC5ACCE55u
#define DWT_CTRL_CYCCNTENA STM32_BIT(0)

#define MPU_CTRL STM32_REG(0xE000ED94u)
#define MPU_RNR STM32_REG(0xE000ED98u)
#define MPU_RBAR STM32_REG(0xE000ED9Cu)
#define MPU_RASR STM32_REG(0xE000EDA0u)
#define MPU_CTRL_ENABLE STM32_BIT(0)
#define MPU_CTRL_PRIVDEFENA STM32_BIT(2)
#define MPU_RASR_ENABLE STM32_BIT(0)
#define MPU_RASR_SIZE(log2Bytes) (((uint32_t)(log2Bytes) - 1u) << 1)
#define MPU_RASR_SHAREABLE STM32_BIT(18)
#define MPU_RASR_TEX(n) ((uint32_t)(n) << 19)
#define MPU_RASR_AP_FULL (3u << 24)
#define MPU_RASR_XN STM32_BIT(28)

/* ---- RCC (reset and clock control) ---- */
#define RCC_BASE 0x40023800u
#define RCC_CR STM32_REG(RCC_BASE + 0x00u)
#define RCC_PLLCFGR STM32_REG(RCC_BASE + 0x04u)
#define RCC_CFGR STM32_REG(RCC_BASE + 0x08u)
#define RCC_CIR STM32_REG(RCC_BASE + 0x0Cu)
#define RCC_AHB1RSTR STM32_REG(RCC_BASE + 0x10u)
#define RCC_AHB1ENR STM32_REG(RCC_BASE + 0x30u)
#define RCC_APB1ENR STM32_REG(RCC_BASE + 0x40u)
#define RCC_APB2ENR STM32_REG(RCC_BASE + 0x44u)
#define RCC_DCKCFGR2 STM32_REG(RCC_BASE + 0x90u)

#define RCC_CR_HSION STM32_BIT(0)
#define RCC_CR_HSEON STM32_BIT(16)
#define RCC_CR_HSERDY STM32_BIT(17)
#define RCC_CR_HSEBYP STM32_BIT(18)
#define RCC_CR_PLLON STM32_BIT(24)
#define RCC_CR_PLLRDY STM32_BIT(25)

#define RCC_PLLCFGR_M(m) ((uint32_t)(m) << 0)
#define RCC_PLLCFGR_N(n) ((uint32_t)(n) << 6)
#define RCC_PLLCFGR_P_DIV2 (0u << 16)
#define RCC_PLLCFGR_SRC_HSE STM32_BIT(22)
#define RCC_PLLCFGR_Q(q) ((uint32_t)(q) << 24)
#define RCC_PLLCFGR_R(r) ((uint32_t)(r) << 28)

#define RCC_CFGR_SW_MASK (3u << 0)
#define RCC_CFGR_SW_PLL (2u << 0)
#define RCC_CFGR_SWS_MASK (3u << 2)
#define RCC_CFGR_SWS_PLL (2u << 2)
#define RCC_CFGR_HPRE_DIV1 (0u << 4)
#define RCC_CFGR_PPRE1_DIV4 (5u << 10)
#define RCC_CFGR_PPRE2_DIV2 (4u << 13)

#define RCC_AHB1_GPIOA STM32_BIT(0)
#define RCC_AHB1_GPIOB STM32_BIT(1)
#define RCC_AHB1_GPIOC STM32_BIT(2)
#define RCC_AHB1_GPIOD STM32_BIT(3)
#define RCC_AHB1_GPIOG STM32_BIT(6)
#define RCC_AHB1_ETHMAC STM32_BIT(25)
#define RCC_AHB1_ETHMACTX STM32_BIT(26)
#define RCC_AHB1_ETHMACRX STM32_BIT(27)
#define RCC_AHB1RSTR_ETHMAC STM32_BIT(25)
#define RCC_APB1_USART3 STM32_BIT(18)
#define RCC_APB1_PWR STM32_BIT(28)
#define RCC_APB2_SYSCFG STM32_BIT(14)
#define RCC_DCKCFGR2_USART3SEL_MASK (3u << 4) /* 00: PCLK1 */

/* ---- PWR (voltage scaling, over-drive for 216 MHz) ---- */
#define PWR_CR1 STM32_REG(0x40007000u)
#define PWR_CSR1 STM32_REG(0x40007004u)
#define PWR_CR1_VOS_SCALE1 (3u << 14)
#define PWR_CR1_ODEN STM32_BIT(16)
#define PWR_CR1_ODSWEN STM32_BIT(17)
#define PWR_CSR1_ODRDY STM32_BIT(16)
#define PWR_CSR1_ODSWRDY STM32_BIT(17)

/* ---- Flash interface ---- */
#define FLASH_ACR STM32_REG(0x40023C00u)
#define FLASH_ACR_LATENCY_MASK 0xFu
#define FLASH_ACR_PRFTEN STM32_BIT(8)
#define FLASH_ACR_ARTEN STM32_BIT(9)

/* ---- SYSCFG ---- */
#define SYSCFG_PMC STM32_REG(0x40013804u)
#define SYSCFG_PMC_MII_RMII_SEL STM32_BIT(23)

/* ---- GPIO (ports A..K, 0x400 apart) ---- */
#define GPIO_BASE(port) (0x40020000u + 0x400u * (uint32_t)(port))
#define GPIO_MODER(port) STM32_REG(GPIO_BASE(port) + 0x00u)
#define GPIO_OTYPER(port) STM32_REG(GPIO_BASE(port) + 0x04u)
#define GPIO_OSPEEDR(port) STM32_REG(GPIO_BASE(port) + 0x08u)
#define GPIO_PUPDR(port) STM32_REG(GPIO_BASE(port) + 0x0Cu)
#define GPIO_AFR(port, half) STM32_REG(GPIO_BASE(port) + 0x20u + 4u * (half))
#define GPIO_PORT_A 0
#define GPIO_PORT_B 1
#define GPIO_PORT_C 2
#define GPIO_PORT_D 3
#define GPIO_PORT_G 6
#define GPIO_MODE_ALTERNATE 2u
#define GPIO_SPEED_VERY_HIGH 3u

/* ---- USART3 (the ST-LINK virtual COM port of the Nucleo-144) ---- */
#define USART3_BASE 0x40004800u
#define USART3_CR1 STM32_REG(USART3_BASE + 0x00u)
#define USART3_BRR STM32_REG(USART3_BASE + 0x0Cu)
#define USART3_ISR STM32_REG(USART3_BASE + 0x1Cu)
#define USART3_TDR STM32_REG(USART3_BASE + 0x28u)
#define USART_CR1_UE STM32_BIT(0)
#define USART_CR1_TE STM32_BIT(3)
#define USART_ISR_TC STM32_BIT(6)
#define USART_ISR_TXE STM32_BIT(7)

/* ---- Ethernet MAC, MMC and DMA (base 0x40028000) ---- */
#define ETH_BASE 0x40028000u
#define ETH_MACCR STM32_REG(ETH_BASE + 0x0000u)
#define ETH_MACFFR STM32_REG(ETH_BASE + 0x0004u)
#define ETH_MACMIIAR STM32_REG(ETH_BASE + 0x0010u)
#define ETH_MACMIIDR STM32_REG(ETH_BASE + 0x0014u)
#define ETH_MACFCR STM32_REG(ETH_BASE + 0x0018u)
#define ETH_MACIMR STM32_REG(ETH_BASE + 0x003Cu)
#define ETH_MACA0HR STM32_REG(ETH_BASE + 0x0040u)
#define ETH_MACA0LR STM32_REG(ETH_BASE + 0x0044u)
#define ETH_MMCRIMR STM32_REG(ETH_BASE + 0x010Cu)
#define ETH_MMCTIMR STM32_REG(ETH_BASE + 0x0110u)
#define ETH_DMABMR STM32_REG(ETH_BASE + 0x1000u)
#define ETH_DMATPDR STM32_REG(ETH_BASE + 0x1004u)
#define ETH_DMARPDR STM32_REG(ETH_BASE + 0x1008u)
#define ETH_DMARDLAR STM32_REG(ETH_BASE + 0x100Cu)
#define ETH_DMATDLAR STM32_REG(ETH_BASE + 0x1010u)
#define ETH_DMASR STM32_REG(ETH_BASE + 0x1014u)
#define ETH_DMAOMR STM32_REG(ETH_BASE + 0x1018u)
#define ETH_DMAIER STM32_REG(ETH_BASE + 0x101Cu)
#define ETH_DMAMFBOCR STM32_REG(ETH_BASE + 0x1020u)

#define ETH_MACCR_RE STM32_BIT(2)
#define ETH_MACCR_TE STM32_BIT(3)
#define ETH_MACCR_APCS STM32_BIT(7) /* strip pad/FCS of length frames */
#define ETH_MACCR_IPCO STM32_BIT(10)
#define ETH_MACCR_DM STM32_BIT(11)  /* full duplex */
#define ETH_MACCR_FES STM32_BIT(14) /* 100 Mbit/s */
#define ETH_MACCR_CSTF STM32_BIT(25) /* strip FCS of type frames */

#define ETH_MACFFR_PM STM32_BIT(0)  /* promiscuous */
#define ETH_MACFFR_BFD STM32_BIT(5) /* broadcast frames disable */
#define ETH_MACFFR_PAM STM32_BIT(4) /* pass all multicast */

#define ETH_MACMIIAR_MB STM32_BIT(0)
#define ETH_MACMIIAR_MW STM32_BIT(1)
#define ETH_MACMIIAR_CR_DIV102 (4u << 2) /* HCLK 150..216 MHz */
#define ETH_MACMIIAR_MR(reg) ((uint32_t)(reg) << 6)
#define ETH_MACMIIAR_PA(phy) ((uint32_t)(phy) << 11)

#define ETH_MACIMR_PMTIM STM32_BIT(3)
#define ETH_MACIMR_TSTIM STM32_BIT(9)
#define ETH_MACA0HR_MO STM32_BIT(31)
/* The MMC counter interrupts that are unmasked out of reset (good frames, CRC/alignment errors). */
#define ETH_MMCRIMR_ALL (STM32_BIT(5) | STM32_BIT(6) | STM32_BIT(17))
#define ETH_MMCTIMR_ALL (STM32_BIT(14) | STM32_BIT(15) | STM32_BIT(21))

#define ETH_DMABMR_SR STM32_BIT(0)
#define ETH_DMABMR_PBL(n) ((uint32_t)(n) << 8)
#define ETH_DMABMR_FB STM32_BIT(16)
#define ETH_DMABMR_RDP(n) ((uint32_t)(n) << 17)
#define ETH_DMABMR_USP STM32_BIT(23)
#define ETH_DMABMR_AAB STM32_BIT(25)

#define ETH_DMAOMR_SR STM32_BIT(1)
#define ETH_DMAOMR_ST STM32_BIT(13)
#define ETH_DMAOMR_FTF STM32_BIT(20)
#define ETH_DMAOMR_TSF STM32_BIT(21)
#define ETH_DMAOMR_RSF STM32_BIT(25)

#define ETH_DMASR_TS STM32_BIT(0)
#define ETH_DMASR_TBUS STM32_BIT(2)
#define ETH_DMASR_ROS STM32_BIT(4)
#define ETH_DMASR_TUS STM32_BIT(5)
#define ETH_DMASR_RS STM32_BIT(6)
#define ETH_DMASR_RBUS STM32_BIT(7)
#define ETH_DMASR_FBES STM32_BIT(13)
#define ETH_DMASR_AIS STM32_BIT(15)
#define ETH_DMASR_NIS STM32_BIT(16)
#define ETH_DMASR_CLEARABLE 0x0001E7FFu /* the write-1-to-clear status bits 0..16 */

#define ETH_DMAIER_RIE STM32_BIT(6)
#define ETH_DMAIER_RBUIE STM32_BIT(7)
#define ETH_DMAIER_ROIE STM32_BIT(4)
#define ETH_DMAIER_FBEIE STM32_BIT(13)
#define ETH_DMAIER_AISE STM32_BIT(15)
#define ETH_DMAIER_NISE STM32_BIT(16)

/* Normal (4-word) DMA descriptors, ring mode. */
#define ETH_TDES0_OWN STM32_BIT(31)
#define ETH_TDES0_LS STM32_BIT(29)
#define ETH_TDES0_FS STM32_BIT(28)
#define ETH_TDES0_TER STM32_BIT(21)
#define ETH_TDES0_ES STM32_BIT(15)
#define ETH_RDES0_OWN STM32_BIT(31)
#define ETH_RDES0_FL(rdes0) (((rdes0) >> 16) & 0x3FFFu)
#define ETH_RDES0_ES STM32_BIT(15)
#define ETH_RDES0_FS STM32_BIT(9)
#define ETH_RDES0_LS STM32_BIT(8)
#define ETH_RDES1_RER STM32_BIT(15)
#define ETH_DES1_BUFFER1_SIZE(n) ((uint32_t)(n) & 0x1FFFu)

/* Interrupt numbers (position in the vector table after the 16 system exceptions). */
#define STM32_IRQ_USART3 39
#define STM32_IRQ_ETH 61
#define STM32_IRQ_COUNT 112

#endif /* XSTCP_STM32F7_REGS_H */
