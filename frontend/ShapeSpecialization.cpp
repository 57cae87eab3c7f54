//===- ShapeSpecialization.cpp --------------------------------------------===//
#include "frontend/ShapeSpecialization.h"
#include "frontend/OnnxImporter.h"

#include "onnx/onnx_pb.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace tessel {

namespace {

llvm::Error fail(const std::string &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// "x=1x3x224x224" as the user would write it, for messages.
std::string formatShapeFlag(llvm::ArrayRef<int64_t> shape) {
  return fmt::format("{}", fmt::join(shape, "x"));
}

/// An --input-shape suggestion: the declared shape with each unknown
/// dimension written as 1.
std::string exampleShape(llvm::ArrayRef<DeclaredDim> dims,
                         const llvm::StringMap<int64_t> &symbols) {
  std::vector<int64_t> shape;
  for (const DeclaredDim &d : dims) {
    if (d.size)
      shape.push_back(*d.size);
    else if (auto it = symbols.find(d.symbol); !d.symbol.empty() && it != symbols.end())
      shape.push_back(it->second);
    else
      shape.push_back(1);
  }
  return formatShapeFlag(shape);
}

} // namespace

std::optional<llvm::SmallVector<DeclaredDim>> declaredShape(const onnx::ValueInfoProto &info) {
  if (!info.type().has_tensor_type() || !info.type().tensor_type().has_shape())
    return std::nullopt;
  llvm::SmallVector<DeclaredDim> dims;
  for (const auto &dim : info.type().tensor_type().shape().dim()) {
    DeclaredDim d;
    if (dim.has_dim_value())
      d.size = dim.dim_value();
    else if (dim.has_dim_param())
      d.symbol = dim.dim_param();
    dims.push_back(std::move(d));
  }
  return dims;
}

std::string formatDeclaredShape(llvm::ArrayRef<DeclaredDim> dims) {
  std::vector<std::string> parts;
  for (const DeclaredDim &d : dims)
    parts.push_back(d.size ? std::to_string(*d.size) : d.symbol.empty() ? "?" : d.symbol);
  return fmt::format("[{}]", fmt::join(parts, ","));
}

llvm::Expected<std::vector<int64_t>> parseShapeList(llvm::StringRef text) {
  std::vector<int64_t> shape;
  if (text.empty())
    return shape;
  llvm::SmallVector<llvm::StringRef> parts;
  text.split(parts, 'x');
  for (llvm::StringRef part : parts) {
    int64_t size;
    if (part.empty() || part.getAsInteger(10, size) || size < 0)
      return fail(fmt::format("'{}' is not a shape: expected sizes >= 0 separated by 'x', e.g. "
                              "1x3x224x224",
                              text.str()));
    shape.push_back(size);
  }
  return shape;
}

llvm::Expected<ShapeSpecialization>
ShapeSpecialization::resolve(const onnx::GraphProto &graph,
                             const llvm::StringSet<> &initializerNames,
                             const std::map<std::string, std::vector<int64_t>> &inputShapes,
                             const std::map<std::string, int64_t> &dims,
                             bool keepDynamic) {
  ShapeSpecialization result;
  // Who fixed each symbol, for conflict messages: "--dim" or an input's name.
  llvm::StringMap<std::string> fixedBy;
  for (const auto &[symbol, size] : dims) {
    if (size < 0)
      return fail(fmt::format("--dim {}={}: a size must be >= 0", symbol, size));
    result.symbols_[symbol] = size;
    fixedBy[symbol] = "--dim";
  }

  std::vector<const onnx::ValueInfoProto *> inputs;
  for (const auto &input : graph.input())
    if (!initializerNames.contains(input.name()))
      inputs.push_back(&input);
  auto findInput = [&](llvm::StringRef name) -> const onnx::ValueInfoProto * {
    for (const onnx::ValueInfoProto *input : inputs)
      if (input->name() == name)
        return input;
    return nullptr;
  };

  // Every symbol the graph declares, to catch a misspelt --dim.
  llvm::StringSet<> graphSymbols;
  std::vector<std::string> symbolList;
  auto collectSymbols = [&](const onnx::ValueInfoProto &info) {
    if (auto shape = declaredShape(info))
      for (const DeclaredDim &d : *shape)
        if (!d.symbol.empty() && graphSymbols.insert(d.symbol).second)
          symbolList.push_back(d.symbol);
  };
  for (const onnx::ValueInfoProto *input : inputs)
    collectSymbols(*input);
  for (const auto &output : graph.output())
    collectSymbols(output);
  for (const auto &[symbol, size] : dims)
    if (!graphSymbols.contains(symbol))
      return fail(fmt::format("--dim {}={}: no graph input or output has a dimension named "
                              "'{}' ({})",
                              symbol, size, symbol,
                              symbolList.empty()
                                  ? std::string("the graph has no named dimensions")
                                  : fmt::format("its named dimensions: {}",
                                                fmt::join(symbolList, ", "))));

  for (const auto &[name, shape] : inputShapes) {
    if (findInput(name))
      continue;
    std::vector<std::string> names;
    for (const onnx::ValueInfoProto *in : inputs)
      names.push_back(in->name());
    return fail(fmt::format("--input-shape {}={}: the graph has no input '{}' (its inputs: {})",
                            name, formatShapeFlag(shape), name, fmt::join(names, ", ")));
  }
  // Whole input shapes first, in the graph's input order: they may fix
  // symbols other inputs use.
  for (const onnx::ValueInfoProto *input : inputs) {
    auto given = inputShapes.find(input->name());
    if (given == inputShapes.end())
      continue;
    const std::string &name = given->first;
    const std::vector<int64_t> &shape = given->second;
    std::string flag = fmt::format("--input-shape {}={}", name, formatShapeFlag(shape));
    if (auto declared = declaredShape(*input)) {
      if (declared->size() != shape.size())
        return fail(fmt::format("{}: input '{}' is declared with rank {} {}, the flag gives rank "
                                "{}",
                                flag, name, declared->size(), formatDeclaredShape(*declared),
                                shape.size()));
      for (auto [i, d] : llvm::enumerate(*declared)) {
        if (d.size && *d.size != shape[i])
          return fail(fmt::format("{}: dimension {} of input '{}' is declared as {}, not {}",
                                  flag, i, name, *d.size, shape[i]));
        if (d.symbol.empty())
          continue;
        auto [it, inserted] = result.symbols_.try_emplace(d.symbol, shape[i]);
        if (!inserted && it->second != shape[i])
          return fail(fmt::format("{}: dimension {} of input '{}' is '{}', which {} fixes to {}",
                                  flag, i, name, d.symbol,
                                  fixedBy[d.symbol] == "--dim"
                                      ? std::string("--dim")
                                      : fmt::format("input '{}'", fixedBy[d.symbol]),
                                  it->second));
        if (inserted)
          fixedBy[d.symbol] = name;
      }
    }
    result.inputs_[name] = shape;
  }

  for (const onnx::ValueInfoProto *input : inputs) {
    const std::string &name = input->name();
    if (result.inputs_.count(name))
      continue;
    auto declared = declaredShape(*input);
    if (!declared) {
      if (!input->type().has_tensor_type())
        continue; // GraphImporter reports what the value is.
      return fail(fmt::format("graph input '{}' is declared without a shape; give it with "
                              "--input-shape {}=DIMS",
                              name, name));
    }
    std::vector<int64_t> shape;
    std::vector<std::string> unknown, symbolFlags;
    for (auto [i, d] : llvm::enumerate(*declared)) {
      if (d.size && *d.size < 0)
        return fail(fmt::format("graph input '{}' has a negative dimension {}", name, *d.size));
      if (d.size) {
        shape.push_back(*d.size);
      } else if (auto it = result.symbols_.find(d.symbol);
                 !d.symbol.empty() && it != result.symbols_.end()) {
        shape.push_back(it->second);
      } else if (keepDynamic) {
        shape.push_back(kUnknownSize);
      } else if (!d.symbol.empty()) {
        unknown.push_back(fmt::format("dimension {} ('{}')", i, d.symbol));
        if (llvm::find(symbolFlags, d.symbol) == symbolFlags.end())
          symbolFlags.push_back(d.symbol);
      } else {
        unknown.push_back(fmt::format("dimension {} (unnamed)", i));
      }
    }
    if (!unknown.empty()) {
      std::string hint;
      if (symbolFlags.size() == unknown.size()) {
        std::vector<std::string> flags;
        for (const std::string &s : symbolFlags)
          flags.push_back(fmt::format("--dim {}=N", s));
        hint = fmt::format("{} or ", fmt::join(flags, " "));
      }
      return fail(fmt::format(
          "graph input '{}' {} has dynamic {}: compile with --dynamic for one artifact that "
          "takes every size, or fix {} at compile time with {}--input-shape {}={}",
          name, formatDeclaredShape(*declared), fmt::join(unknown, ", "),
          unknown.size() == 1 ? "it" : "them", hint, name,
          exampleShape(*declared, result.symbols_)));
    }
    result.inputs_[name] = std::move(shape);
  }
  return result;
}

llvm::ArrayRef<int64_t> ShapeSpecialization::inputShape(llvm::StringRef name) const {
  auto it = inputs_.find(name);
  return it == inputs_.end() ? llvm::ArrayRef<int64_t>() : llvm::ArrayRef(it->second);
}

std::optional<llvm::SmallVector<int64_t>>
ShapeSpecialization::outputShape(const onnx::ValueInfoProto &info) const {
  auto declared = declaredShape(info);
  if (!declared)
    return std::nullopt;
  llvm::SmallVector<int64_t> shape;
  for (const DeclaredDim &d : *declared) {
    if (d.size)
      shape.push_back(*d.size);
    else if (auto size = symbolSize(d.symbol))
      shape.push_back(*size);
    else
      shape.push_back(kUnknownSize);
  }
  return shape;
}

std::optional<int64_t> ShapeSpecialization::symbolSize(llvm::StringRef symbol) const {
  if (symbol.empty())
    return std::nullopt;
  auto it = symbols_.find(symbol);
  if (it == symbols_.end())
    return std::nullopt;
  return it->second;
}

std::string ImportOptions::addInputShape(llvm::StringRef name, std::vector<int64_t> shape) {
  if (!inputShapes.emplace(name.str(), std::move(shape)).second)
    return "gives input '" + name.str() + "' more than once";
  return "";
}

std::string ImportOptions::addDimSize(llvm::StringRef symbol, int64_t size) {
  auto [it, inserted] = dims.emplace(symbol.str(), size);
  if (!inserted && it->second != size)
    return "gives '" + symbol.str() + "' two sizes (" + std::to_string(it->second) + " and " +
           std::to_string(size) + ")";
  return "";
}

} // namespace tessel
