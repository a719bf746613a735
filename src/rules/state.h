// corridor::rules — what the ledger's events add up to: its members and their keys, its
// checkpoints with their operators and published regimes, its settlements, every consignment and
// stock record, and the events that broke a rule (kept, reported, and of no effect).
//
// A State is only ever changed by the Engine (engine.h), one event at a time.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cargo/lifecycle.h"
#include "core/time.h"
#include "ledger/crypto.h"
#include "ledger/event.h"
#include "ledger/merkle.h"
#include "regime/regime.h"

namespace corridor::rules {

// Governed: the ledger starts with a genesis signed by its founding parties, and membership,
// checkpoints and settlements follow its policy. Open: no genesis, for trials — parties register
// themselves with the role they choose and the first checkpoint-role party to publish a
// checkpoint's regime holds that checkpoint.
enum class Mode : std::uint8_t { kOpen, kGoverned };
[[nodiscard]] const char* mode_name(Mode m);

struct Member {
  std::string name, role, display_name;
  ledger::PublicKey key{};         // the current key
  ledger::PublicKey first_key{};   // the key it joined with (what --keys pins)
  std::uint64_t since = 0;         // seq at which it joined
  std::string admitted_by;         // "" for founders and self-registration
  std::optional<std::uint64_t> revoked_at;
  std::string revoked_reason;
  std::vector<std::uint64_t> rotations;  // seqs of its key rotations
  [[nodiscard]] bool active() const { return !revoked_at; }
};

struct PublishedRegime {
  std::uint64_t seq = 0;
  core::UnixSeconds from = 0;  // in force from the publication's time
  std::string sha256;          // of the TOML text, hex
  std::string publisher;
  std::string toml;
  std::shared_ptr<const regime::Regime> regime;
  bool late = false;           // recorded after the fact (see State::late)
};

struct Checkpoint {
  std::string id, name, operator_party;
  std::uint64_t since = 0;  // seq of the genesis, the registration, or (open mode) the first publication
  std::vector<PublishedRegime> regimes;  // in log order
  // The regime in force at `t`: of the publications in force by then, the latest in the log.
  [[nodiscard]] const PublishedRegime* regime_at(core::UnixSeconds t) const;
};

struct Settlement {
  std::string id, name;
  std::optional<std::int64_t> population;
  std::vector<std::string> reporters;  // who records its stocks (empty: any receiver or monitor)
  std::uint64_t since = 0;
};

struct StockRecord {
  std::uint64_t seq = 0;
  std::string type;  // stock.opening or stock.counted
  std::string place, date, commodity, note, actor;
  double tonnes = 0;
  bool late = false;  // recorded after the fact: dated, or counting a day, before what the log had reached
};

struct Violation {
  std::uint64_t seq = 0;
  std::string rule, message, type, actor, subject;
};

struct State {
  Mode mode = Mode::kOpen;
  std::string name;    // the ledger's name (from its genesis)
  std::string sequencer;  // the URL of the node that sequences it, if its genesis names one
  std::string log_id;  // hash of event 1: which ledger this is
  std::set<std::string> admitters;
  std::map<std::string, Member> members;
  std::map<std::string, Checkpoint> checkpoints;
  std::map<std::string, Settlement> settlements;
  std::map<std::string, cargo::Consignment> consignments;
  std::vector<StockRecord> stocks;
  std::vector<Violation> violations;
  std::uint64_t size = 0;                      // events folded
  std::string last_hash = ledger::kGenesisHash;
  ledger::merkle::Frontier tree;               // the Merkle tree's right edge over the events folded
  // Time. `reached` is the latest time of an accepted event (the genesis included) and
  // `reached_seq` that event. An event dated before `reached` (beyond the clocks' tolerance) was
  // recorded after the fact: a governed ledger refuses it (rule L-TIME) unless its genesis allows
  // back-dated history from `history_from`; an open ledger (trials) takes it. Either way it is
  // listed in `late` and marked wherever it is shown.
  core::UnixSeconds reached = 0;
  std::uint64_t reached_seq = 0;
  std::optional<core::UnixSeconds> history_from;
  std::vector<std::uint64_t> late;             // seqs of accepted events recorded after the fact, ascending

  [[nodiscard]] const Member* member(const std::string& party) const {
    const auto it = members.find(party);
    return it == members.end() ? nullptr : &it->second;
  }
  // Whether an event dated `t` would be dated before what the log has reached.
  [[nodiscard]] bool before_reached(core::UnixSeconds t) const;
  [[nodiscard]] bool allows_back_dating() const { return mode == Mode::kOpen || history_from.has_value(); }
  [[nodiscard]] bool recorded_late(std::uint64_t seq) const;
};

// Event types the ledger knows; any other is refused (rule L-TYPE).
inline constexpr const char* kGenesis = "ledger.genesis";
inline constexpr const char* kPartyRegistered = "party.registered";
inline constexpr const char* kPartyAdmitted = "party.admitted";
inline constexpr const char* kKeyRotated = "party.key_rotated";
inline constexpr const char* kPartyRevoked = "party.revoked";
inline constexpr const char* kCheckpointRegistered = "checkpoint.registered";
inline constexpr const char* kRegimePublished = "regime.published";
inline constexpr const char* kSettlementRegistered = "settlement.registered";
inline constexpr const char* kStockOpening = "stock.opening";
inline constexpr const char* kStockCounted = "stock.counted";

// How far in the future (by this node's clock) an event may be dated when it is appended or
// imported (rule L-TIME).
inline constexpr core::UnixSeconds kClockSkew = 300;
// The times an event may carry at all (0001-01-01 to 9999-12-31), so that no arithmetic on them
// overflows and every one of them prints as a date.
inline constexpr core::UnixSeconds kEarliestTime = -62135596800;
inline constexpr core::UnixSeconds kLatestTime = 253402300799;
// How many days before the day it is recorded a stock count may be of, and still be news rather
// than history (a count made on Monday and sent on Wednesday); earlier is recorded after the fact.
inline constexpr int kStockLateDays = 7;
// How old a genesis's `created` may be when `ledger init` starts the ledger (the founders collect
// their signatures in that time); a ledger of a past case says so with `history_from` instead.
inline constexpr core::UnixSeconds kGenesisMaxAge = 30 * 86400;

}  // namespace corridor::rules
