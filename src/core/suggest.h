// corridor::core — "did you mean": the nearest of the allowed words to a mistyped one, for every
// error that refuses a value from a closed list (options, subcommands, parties, columns).
#pragma once

#include <string>
#include <vector>

namespace corridor::core {

// The closest of `candidates` to `word`: edit distance at most 2, or `word` a prefix of it (3
// characters or more); "" when none is that close.
[[nodiscard]] std::string nearest_word(const std::string& word, const std::vector<std::string>& candidates);
// " (did you mean X?)" for the nearest word, else "".
[[nodiscard]] std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);
// "a, b, c": the allowed words, for the message.
[[nodiscard]] std::string word_list(const std::vector<std::string>& words);

}  // namespace corridor::core
