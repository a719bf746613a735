// corridor::core — the one vocabulary of goods categories, shared by regimes (goods and inspection
// rules), declarations (items) and the commodity table, so that a rule written for `medicine`
// cannot silently miss an item declared as something else.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"

namespace corridor::core {

// food, water, medicine, fuel, hygiene, shelter, other.
[[nodiscard]] const std::vector<std::string>& goods_categories();
// Ok for one of them; else kParse at `where` naming the list and the nearest (or the usual synonym:
// medical -> medicine).
[[nodiscard]] Result<void> check_goods_category(const std::string& category, const std::string& where);

}  // namespace corridor::core
