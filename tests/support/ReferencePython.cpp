#include "support/ReferencePython.h"

#include <cstdlib>

#include <fmt/format.h>

namespace genrep::test {

std::string referencePython() { return fmt::format("'{}'", GENREP_PYTHON); }

bool referencePythonHas(const std::string& module) {
  return std::system(fmt::format("{} -c 'import {}' > /dev/null 2>&1", referencePython(), module).c_str()) == 0;
}

std::string referencePythonMissing(const std::string& module) {
  return fmt::format("{} cannot import {} (scripts/setup.sh installs it into .venv): not compared", GENREP_PYTHON, module);
}

}  // namespace genrep::test
