# -*- Python -*-
# lit configuration of Tessel's FileCheck tests. CMake writes lit.site.cfg.py
# (from lit.site.cfg.py.in) into the build tree with the tool paths; run the
# suite with `ctest -R lit` or `lit -sv <build>/tests/lit`.
import os

import lit.formats
import lit.llvm
from lit.llvm.subst import ToolSubst

config.name = "Tessel"

if not hasattr(config, "tessel_obj_root"):
    lit_config.fatal("run lit on the build tree (<build>/tests/lit), which holds "
                     "lit.site.cfg.py, not on the source tree")

lit.llvm.initialize(lit_config, config)
from lit.llvm import llvm_config  # noqa: E402 (set by initialize)

config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
# .mlir: tessel-opt tests; .test: tests that generate an ONNX model first.
config.suffixes = [".mlir", ".test"]
config.excludes = ["CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py", "make_model.py",
                   "expect_exit.py"]


config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.tessel_obj_root, "tests", "lit")

llvm_config.use_default_substitutions()  # FileCheck, not, count, split-file...
# Debian's python, which has the onnx package (the python3 first on PATH may
# not); first in the list so that it wins over lit's own %python.
config.substitutions.insert(0, ("%python", config.python_executable))
# `%expect-exit N cmd...` succeeds only if cmd exits with exactly N.
config.substitutions.insert(0, ("%expect-exit", "%s %s" % (
    config.python_executable, os.path.join(config.test_source_root, "expect_exit.py"))))

tool_dirs = [config.tessel_tools_dir, config.llvm_tools_dir]
llvm_config.add_tool_substitutions(
    ["tessel-opt", "tessel-compile", "tessel-run", ToolSubst("FileCheck", unresolved="fatal")],
    tool_dirs)
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.tessel_tools_dir, append_path=True)
