# Warning flags shared by every konfero target. The project builds clean with
# g++ 12 and clang 14 (-Wall -Wextra); clang also checks the abseil thread
# annotations (-Wthread-safety).
add_library(konfero_warnings INTERFACE)
target_compile_options(konfero_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wimplicit-fallthrough
  $<$<CXX_COMPILER_ID:Clang>:-Wthread-safety>
  $<$<BOOL:${KONFERO_WERROR}>:-Werror>)
