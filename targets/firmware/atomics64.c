/*
 * The 64-bit atomic operations gcc leaves to a library on Cortex-M (no LDREXD there):
 * XS's Atomics on BigInt64Array call them. One core and no threads, so masking
 * interrupts around the plain operation is enough. Defined under other C names and
 * bound to gcc's symbols with asm labels, since the builtins cannot be redeclared.
 */
#include <stdbool.h>
#include <stdint.h>

static inline uint32_t maskInterrupts(void)
{
	uint32_t primask;
	__asm volatile ("mrs %0, primask\n cpsid i" : "=r"(primask) :: "memory");
	return primask;
}

static inline void restoreInterrupts(uint32_t primask)
{
	__asm volatile ("msr primask, %0" :: "r"(primask) : "memory");
}

uint64_t fwAtomicLoad8(const volatile void* p, int order) __asm__("__atomic_load_8");
uint64_t fwAtomicLoad8(const volatile void* p, int order)
{
	uint32_t m = maskInterrupts();
	uint64_t v = *(const volatile uint64_t*)p;
	restoreInterrupts(m);
	return v;
}

void fwAtomicStore8(volatile void* p, uint64_t v, int order) __asm__("__atomic_store_8");
void fwAtomicStore8(volatile void* p, uint64_t v, int order)
{
	uint32_t m = maskInterrupts();
	*(volatile uint64_t*)p = v;
	restoreInterrupts(m);
}

uint64_t fwAtomicExchange8(volatile void* p, uint64_t v, int order) __asm__("__atomic_exchange_8");
uint64_t fwAtomicExchange8(volatile void* p, uint64_t v, int order)
{
	uint32_t m = maskInterrupts();
	uint64_t old = *(volatile uint64_t*)p;
	*(volatile uint64_t*)p = v;
	restoreInterrupts(m);
	return old;
}

bool fwAtomicCompareExchange8(volatile void* p, void* expected, uint64_t desired, bool weak, int success, int failure) __asm__("__atomic_compare_exchange_8");
bool fwAtomicCompareExchange8(volatile void* p, void* expected, uint64_t desired, bool weak, int success, int failure)
{
	uint32_t m = maskInterrupts();
	uint64_t old = *(volatile uint64_t*)p;
	bool equal = old == *(uint64_t*)expected;
	if (equal)
		*(volatile uint64_t*)p = desired;
	else
		*(uint64_t*)expected = old;
	restoreInterrupts(m);
	return equal;
}

/* fetch_OP: the old value, with OP applied in place. */
#define FETCH_OP(NAME, SYMBOL, EXPRESSION) \
	uint64_t NAME(volatile void* p, uint64_t v, int order) __asm__(SYMBOL); \
	uint64_t NAME(volatile void* p, uint64_t v, int order) \
	{ \
		uint32_t m = maskInterrupts(); \
		uint64_t old = *(volatile uint64_t*)p; \
		*(volatile uint64_t*)p = (EXPRESSION); \
		restoreInterrupts(m); \
		return old; \
	}

FETCH_OP(fwAtomicFetchAdd8, "__atomic_fetch_add_8", old + v)
FETCH_OP(fwAtomicFetchSub8, "__atomic_fetch_sub_8", old - v)
FETCH_OP(fwAtomicFetchAnd8, "__atomic_fetch_and_8", old & v)
FETCH_OP(fwAtomicFetchOr8, "__atomic_fetch_or_8", old | v)
FETCH_OP(fwAtomicFetchXor8, "__atomic_fetch_xor_8", old ^ v)
