/* Stands in for Windows' bcryptprimitives.dll under Wine 8, which lacks it: Rust's
   standard library imports ProcessPrng from it (Windows 10 and 11 have it). The wine
   tests (tests/windows.rs) build it with MinGW and put it beside cchc.exe; it is never
   shipped. RtlGenRandom (advapi32's SystemFunction036) gives the random bytes. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG n = len > 0x7fffffff ? 0x7fffffff : (ULONG)len;
        if (!SystemFunction036(data, n))
            return FALSE;
        data += n;
        len -= n;
    }
    return TRUE;
}
