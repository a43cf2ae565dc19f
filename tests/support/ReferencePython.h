#pragma once
// The Python interpreter of the tests' cross-checks against PyTorch and torchvision: the one
// whose PyTorch genrep is built on (CMake's GENREP_PYTHON, the project's .venv), so that both
// sides run the same PyTorch version. A dev tool: genrep itself never runs Python.
#include <string>

namespace genrep::test {

// The interpreter's path, quoted for a shell command line.
std::string referencePython();
// Whether it imports `module` (e.g. "torchvision"); tests that need it skip when it does not.
bool referencePythonHas(const std::string& module);
// Why a test that needs `module` skipped, for GTEST_SKIP.
std::string referencePythonMissing(const std::string& module);

}  // namespace genrep::test
