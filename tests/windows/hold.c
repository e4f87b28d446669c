/* Holds a file open the way Excel holds a workbook it shows (no sharing: nobody else
   may write, rename or delete it) until a line arrives on standard input. Built by
   the wine tests (tests/windows.rs) to check what cchc.exe says when its --out is
   such a file. */
#include <windows.h>
#include <stdio.h>

int wmain(int argc, wchar_t **argv)
{
    if (argc != 2)
        return 2;
    HANDLE h = CreateFileW(argv[1], GENERIC_READ, 0, NULL, OPEN_EXISTING,
                           FILE_ATTRIBUTE_NORMAL, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return 1;
    printf("holding\n");
    fflush(stdout);
    char line[16];
    fgets(line, sizeof line, stdin);
    CloseHandle(h);
    return 0;
}
