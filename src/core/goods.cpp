#include "core/goods.h"

#include <algorithm>
#include <map>

#include "core/suggest.h"

namespace corridor::core {

const std::vector<std::string>& goods_categories() {
  static const std::vector<std::string> kCategories{"food", "water", "medicine", "fuel", "hygiene", "shelter", "other"};
  return kCategories;
}

Result<void> check_goods_category(const std::string& category, const std::string& where) {
  const auto& all = goods_categories();
  if (std::find(all.begin(), all.end(), category) != all.end()) return {};
  // Words people use for one of these, which are not close in spelling.
  static const std::map<std::string, std::string> kUsual{
      {"medical", "medicine"}, {"medicines", "medicine"}, {"medication", "medicine"}, {"drugs", "medicine"},
      {"health", "medicine"},  {"wash", "hygiene"},       {"sanitation", "hygiene"},  {"nfi", "shelter"},
      {"non-food", "other"},   {"nonfood", "other"},      {"drinking water", "water"}};
  const auto usual = kUsual.find(category);
  const std::string hint = usual != kUsual.end() ? " (did you mean " + usual->second + "?)" : did_you_mean(category, all);
  return fail(ErrorCode::kParse, where + "'" + category + "' is not a goods category (" + word_list(all) + ")" + hint);
}

}  // namespace corridor::core
