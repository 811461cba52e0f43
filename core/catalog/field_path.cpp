#include "catalog/field_path.h"

namespace sluice::core {

std::string fieldPathToString(const FieldPath& p) {
    std::string out;
    for (const auto& part : p)
        out += (out.empty() ? "" : ".") + part;
    return out;
}

} // namespace sluice::core
