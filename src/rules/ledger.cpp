#include "rules/ledger.h"

#include <nlohmann/json.hpp>
#include <set>

#include "core/input.h"
#include "core/json_text.h"
#include "ledger/merkle.h"
#include "rules/projection.h"

namespace corridor::rules {

using core::ErrorCode;
using core::fail;
using core::Result;
using ledger::Event;
using nlohmann::json;

namespace {


ledger::merkle::NodeSource nodes_of(store::Store& s) {
  return [&s](unsigned level, std::uint64_t index) { return s.tree_node(level, index); };
}

std::string range_text(std::uint64_t first_seq, std::uint64_t last_seq) {
  return first_seq == last_seq ? "event " + std::to_string(first_seq)
                               : "events " + std::to_string(first_seq) + ".." + std::to_string(last_seq);
}
// "event 3 is missing", "events 3..5 are missing".
std::string missing_text(std::uint64_t first_seq, std::uint64_t last_seq) {
  return range_text(first_seq, last_seq) + (first_seq == last_seq ? " is missing" : " are missing");
}

// The frontier of the first `size` events of a list (export or store), from their hashes.
Result<ledger::merkle::Frontier> frontier_of(const std::vector<Event>& events, std::uint64_t size) {
  ledger::merkle::Frontier f;
  for (std::uint64_t i = 0; i < size && i < events.size(); ++i) {
    CORRIDOR_TRY(const ledger::Digest leaf, store::leaf_of(events[i]));
    f.push(leaf);
  }
  return f;
}

// Where two frontiers of the same size first differ, as a range of seqs.
std::string differing_range(const ledger::merkle::Frontier& ours, const std::vector<ledger::Digest>& theirs) {
  const auto ranges = ours.ranges();
  for (std::size_t i = 0; i < ranges.size() && i < theirs.size(); ++i) {
    if (ours.nodes()[i].hash != theirs[i]) return range_text(ranges[i].first + 1, ranges[i].second);
  }
  return range_text(1, ours.size());
}

// Nothing enters the log dated beyond this node's clock (and its tolerance): one event dated in
// 9999 would otherwise be what the log has reached, and a governed ledger would refuse every
// event after it.
Result<void> not_in_the_future(const Event& e, const std::string& where) {
  const core::UnixSeconds now = core::now_unix();
  if (e.time > now + kClockSkew) {
    return core::refuse(ErrorCode::kInvalidArgument, "L-TIME",
                        "refused by rule L-TIME: " + where + "seq " + std::to_string(e.seq) + " is dated " +
                            core::format_iso8601(e.time) + ", more than " + std::to_string(kClockSkew) +
                            " s after this node's clock (" + core::format_iso8601(now) + ")");
  }
  return {};
}

}  // namespace

Result<Ledger> Ledger::open(store::Store& store, OpenOptions o) {
  Ledger l(store, o);
  CORRIDOR_CHECK(l.load_kept());
  CORRIDOR_CHECK(store.read([&] { return l.fold_all(); }));
  // Remember how far the log is verified, so the next command checks only what is new. A store
  // this process cannot write to (or that another writer holds) is still read correctly.
  if (l.options_.node && l.state().size > l.verified_size_) {
    (void)store.write([&] { return l.note_verified(); });
  }
  if (l.options_.node && l.options_.keep_outside) (void)l.keep_outside();
  return l;
}

Result<void> Ledger::fold_all() {
  CORRIDOR_TRY(const std::uint64_t size, store_->size());
  std::optional<ledger::TreeHead> noted;
  const std::optional<ledger::TreeHead>& kept = kept_;
  // A note that cannot be trusted is reported after the fold, which names something more precise
  // when there is one (events missing against the head kept outside, another ledger, a fork, an
  // edited event): nothing of the store is trusted meanwhile.
  std::optional<core::Error> note_problem;
  if (options_.node) {
    if (auto n = read_noted(size); n) {
      noted = std::move(*n);
    } else {
      note_problem = n.error();
    }
  }
  verified_size_ = noted ? noted->size : 0;
  // This node signed a head of this store, yet the file it keeps outside the store (created before
  // its first write) is gone: what would tell a store rolled back to an older copy from this one
  // was removed. Refused everywhere, `ledger verify` included, unless the operator adopts the store.
  if (options_.node && options_.keep_outside && noted && noted->size > 0 && !anchored_ && !options_.adopt) {
    return fail(ErrorCode::kCorrupt, store_->name() + ": this node signed a head of " + std::to_string(noted->size) +
                                         " events of it, but the head it keeps outside the store (" + options_.node->head_file +
                                         ") is gone; a store rolled back to an older copy cannot be told from this one "
                                         "without it. Put the node key's heads folder back; if it is truly lost, take the "
                                         "store as it is: corridor ledger verify --adopt");
  }
  // What this process itself folded from the store (and may have served, proved and signed heads
  // over) cannot shrink either, notes or none.
  if (size < folded_size_) {
    return fail(ErrorCode::kCorrupt, store_->name() + ": the store holds " + std::to_string(size) + " events, but this node read " +
                                         std::to_string(folded_size_) + " from it before: " +
                                         missing_text(size + 1, folded_size_) + " (the log was cut short)");
  }
  const std::uint64_t trusted = options_.verify_all || !noted ? 0 : noted->size;
  engine_ = Engine({trusted, options_.pinned});
  const std::string where = store_->name() + ": ";
  if (kept && size < kept->size) {
    return fail(ErrorCode::kCorrupt, where + "the store holds " + std::to_string(size) + " events, but this node signed a head of " +
                                         std::to_string(kept->size) + " on " + core::format_iso8601(kept->time) + " (kept in " +
                                         options_.node->head_file + "): " + missing_text(size + 1, kept->size) +
                                         " (the store was cut short or replaced by an older copy)");
  }
  if (noted && size < noted->size) {
    return fail(ErrorCode::kCorrupt, where + "the store holds " + std::to_string(size) + " events, but this node verified " +
                                         std::to_string(noted->size) + " before: " +
                                         missing_text(size + 1, noted->size) + " (the log was cut short)");
  }
  if (auto tree = store_->note(store::kTreeSizeNote); tree && *tree) {
    std::uint64_t tree_size = 0;
    try {
      tree_size = std::stoull(**tree);
    } catch (const std::exception&) {
    }
    if (tree_size > size) {
      return fail(ErrorCode::kCorrupt, where + "the store holds " + std::to_string(size) +
                                           " events, but its Merkle tree covers " + std::to_string(tree_size) + ": " +
                                           missing_text(size + 1, tree_size) + " (the log was cut short)");
    }
  }
  Result<void> status;
  CORRIDOR_CHECK(store_->scan(1, [&](const Event& e) {
    status = engine_.fold(e);
    if (!status) return false;
    const State& s = engine_.state();
    if (noted && e.seq == noted->size && s.tree.root() != noted->root) {
      status = fail(ErrorCode::kCorrupt, "the first " + std::to_string(e.seq) +
                                             " events no longer give the root this node verified before: an event up "
                                             "to seq " + std::to_string(e.seq) + " was changed");
      return false;
    }
    if (kept && e.seq == 1 && s.log_id != kept->log) {
      status = fail(ErrorCode::kCorrupt, "seq 1: the store holds another ledger than the one this node signed a head of on " +
                                             core::format_iso8601(kept->time) + " (kept in " + options_.node->head_file +
                                             "): the store was replaced");
      return false;
    }
    if (kept && e.seq == kept->size && s.tree.root() != kept->root) {
      status = fail(ErrorCode::kCorrupt, "seq " + std::to_string(e.seq) + ": the store's first " + std::to_string(e.seq) +
                                             " events differ from the head this node signed on " +
                                             core::format_iso8601(kept->time) + " (kept in " + options_.node->head_file +
                                             "), within " + differing_range(s.tree, kept->frontier) +
                                             " (the store was rewritten or replaced by a fork)");
      return false;
    }
    return true;
  }));
  if (!status) return fail(ErrorCode::kCorrupt, where + "the ledger fails verification at " + status.error().message);
  if (engine_.state().size != size) {
    return fail(ErrorCode::kCorrupt, where + "the ledger fails verification at seq " + std::to_string(engine_.state().size + 1) +
                                         ": event missing (the store's last seq is " + std::to_string(size) + ")");
  }
  if (note_problem) return core::Unexpected{*note_problem};
  folded_size_ = size;
  signatures_verified_ = size > trusted ? size - trusted : 0;
  stale_ = false;
  return {};
}

Result<void> Ledger::catch_up() {
  if (stale_) return fold_all();
  Result<void> status;
  CORRIDOR_CHECK(store_->scan(engine_.state().size + 1, [&](const Event& e) {
    status = engine_.fold(e);
    return status.has_value();
  }));
  if (!status) {
    stale_ = true;
    return fail(ErrorCode::kCorrupt, store_->name() + ": the ledger fails verification at " + status.error().message);
  }
  folded_size_ = std::max(folded_size_, engine_.state().size);
  return {};
}

Result<void> Ledger::keep_projection(std::uint64_t size_before, const std::vector<Event>& added) {
  CORRIDOR_TRY(const std::uint64_t projected, store_->projected_seq(kConsignmentProjection));
  const State& s = engine_.state();
  if (projected != size_before) return store_->replace_all(kConsignmentProjection, projection_rows(s), s.size);
  std::set<std::string> touched;
  for (const Event& e : added) {
    if (e.type.rfind("consignment.", 0) == 0 && s.consignments.contains(e.subject)) touched.insert(e.subject);
  }
  for (const auto& id : touched) CORRIDOR_CHECK(store_->upsert(kConsignmentProjection, projection_row(s.consignments.at(id)), s.size));
  return store_->set_projected_seq(kConsignmentProjection, s.size);
}

Result<void> Ledger::transact(const std::function<Result<void>()>& body) {
  // Read before the transaction: a head another writer kept is then of events this one sees.
  CORRIDOR_CHECK(load_kept());
  auto written = store_->write([&]() -> Result<void> {
    CORRIDOR_CHECK(catch_up());
    // From here the engine may run ahead of the store; if the transaction fails it folds again.
    stale_ = true;
    return body();
  });
  stale_ = !written;
  if (written) folded_size_ = engine_.state().size;
  // Outside the store, after it committed: a head kept before the commit could claim events that
  // a failed transaction never stored.
  // The append has committed: a head that cannot be kept outside now (a full disk, a folder made
  // read-only) does not make it a failure — the next open keeps it.
  if (written && options_.node) (void)keep_outside();
  return written;
}

Result<void> Ledger::commit(std::uint64_t size_before, const std::vector<Event>& added) {
  if (!added.empty()) CORRIDOR_CHECK(store_->append(added));
  CORRIDOR_CHECK(keep_projection(size_before, added));
  return note_verified();
}

Result<std::vector<Event>> Ledger::append(const ledger::Signer& signer, const Builder& build) {
  std::vector<Event> added;
  CORRIDOR_CHECK(transact([&]() -> Result<void> {
    const std::uint64_t before = engine_.state().size;
    CORRIDOR_TRY(const std::vector<Draft> drafts, build(engine_.state()));
    if (drafts.empty()) return fail(ErrorCode::kInternal, "nothing to append");
    const core::UnixSeconds now = core::now_unix();
    for (const Draft& d : drafts) {
      const State& s = engine_.state();
      Event e;
      e.seq = s.size + 1;
      e.time = d.time;
      e.actor = signer.name;
      e.type = d.type;
      e.subject = d.subject;
      e.prev_hash = s.last_hash;
      CORRIDOR_TRY(e.payload, ledger::canonical_json(d.payload_json, "payload of " + d.type));
      if (d.time > now + kClockSkew) {
        return core::refuse(ErrorCode::kInvalidArgument, "L-TIME",
                            "refused by rule L-TIME: " + d.type + " dated " + core::format_iso8601(d.time) +
                                ", more than " + std::to_string(kClockSkew) + " s after this node's clock (" +
                                core::format_iso8601(now) + ")");
      }
      for (const std::string* text : {&e.actor, &e.type, &e.subject}) {
        if (text->empty() || text->size() > 256 || !core::valid_utf8(*text)) {
          return fail(ErrorCode::kInvalidArgument, "actor, type and subject are UTF-8 text of 1 to 256 bytes");
        }
      }
      const Member* m = s.member(signer.name);
      if (m != nullptr && m->key != signer.keys.public_key) {
        return core::refuse(ErrorCode::kForbidden, "P-KEY", "the key given for '" + signer.name +
                                                                "' is not the one the ledger holds for it");
      }
      if (m == nullptr && d.type != kPartyRegistered) {
        return core::refuse(ErrorCode::kForbidden, "P-MEMBER", "party '" + core::printable(signer.name) +
                                                                   "' is not a member of this ledger");
      }
      ledger::set_hash(e);
      CORRIDOR_TRY(const Engine::Outcome outcome, engine_.check(e, /*signed_here=*/true));
      engine_.apply(e, outcome);
      added.push_back(std::move(e));
    }
    // Every event is checked and chained; only now are they signed (the chain covers the hash,
    // not the signature), on all cores when there are many.
    if (const auto bad = ledger::sign_all(added, signer.keys)) {
      return core::refuse(ErrorCode::kForbidden, "P-KEY",
                          "the signature made for seq " + std::to_string(added[*bad].seq) + " does not verify under the key the "
                          "ledger holds for '" + core::printable(signer.name) + "': the key given is not that party's; nothing appended");
    }
    return commit(before, added);
  }));
  return added;
}

Result<Event> Ledger::append(const ledger::Signer& signer, Draft draft) {
  CORRIDOR_TRY(auto events, append(signer, [&](const State&) -> Result<std::vector<Draft>> {
    return std::vector<Draft>{draft};
  }));
  return events.front();
}

Result<Event> Ledger::prepare(const std::string& actor, const Draft& d) {
  Event e;
  CORRIDOR_CHECK(store_->read([&]() -> Result<void> {
    CORRIDOR_CHECK(catch_up());
    const State& s = engine_.state();
    e.seq = s.size + 1;
    e.time = d.time;
    e.actor = actor;
    e.type = d.type;
    e.subject = d.subject;
    e.prev_hash = s.last_hash;
    CORRIDOR_TRY(e.payload, ledger::canonical_json(d.payload_json, "payload of " + d.type));
    if (d.time > core::now_unix() + kClockSkew) {
      return core::refuse(ErrorCode::kInvalidArgument, "L-TIME", "refused by rule L-TIME: dated " + core::format_iso8601(d.time) +
                                                                     ", in the future of this node's clock");
    }
    if (s.member(actor) == nullptr && d.type != kPartyRegistered) {
      return core::refuse(ErrorCode::kForbidden, "P-MEMBER", "party '" + core::printable(actor) + "' is not a member of this ledger");
    }
    ledger::set_hash(e);
    CORRIDOR_TRY(const Engine::Outcome o, engine_.check(e, /*signed_here=*/true));
    (void)o;
    return {};
  }));
  return e;
}

Result<bool> Ledger::refresh() {
  const std::uint64_t before = engine_.state().size;
  // Nothing new (the common case for a server between writes): one cheap query, no transaction.
  if (!stale_) {
    CORRIDOR_TRY(const std::uint64_t now, store_->size());
    if (now == before) return false;
    // Fewer events than this node folded (and may have served, proved and signed heads over): fold
    // again from the start, which refuses a log shorter than the verified head the node keeps.
    if (now < before) stale_ = true;
  }
  CORRIDOR_CHECK(load_kept());
  CORRIDOR_CHECK(store_->read([&] { return catch_up(); }));
  return engine_.state().size != before;
}

Result<Event> Ledger::append_signed(const Event& e) {
  CORRIDOR_CHECK(transact([&]() -> Result<void> {
    const std::uint64_t before = engine_.state().size;
    if (e.seq != before + 1 || e.prev_hash != engine_.state().last_hash) {
      return fail(ErrorCode::kConflict, "the event was made for seq " + std::to_string(e.seq) +
                                            " but the log continues at " + std::to_string(before + 1));
    }
    CORRIDOR_CHECK(not_in_the_future(e, ""));
    CORRIDOR_TRY(const Engine::Outcome outcome, engine_.check(e, /*signed_here=*/false));
    engine_.apply(e, outcome);
    return commit(before, {e});
  }));
  return e;
}

Result<Ledger::ImportReport> Ledger::import(const std::vector<Event>& events, const std::optional<ledger::TreeHead>& head) {
  const std::string nothing = "; nothing appended";
  if (events.empty()) return fail(ErrorCode::kEmpty, "the export holds no events" + nothing);
  // The export on its own, from seq 1, under every rule.
  Engine theirs({0, options_.pinned});
  for (const Event& e : events) {
    if (auto ok = theirs.fold(e); !ok) return fail(ErrorCode::kCorrupt, "the export fails verification at " + ok.error().message + nothing);
  }
  if (!theirs.state().violations.empty()) {
    const Violation& v = theirs.state().violations.front();
    return core::refuse(rule_code(v.rule), v.rule, "the export's seq " + std::to_string(v.seq) + " (" + v.type + " by " +
                                                       v.actor + ") breaks rule " + v.rule + ": " + v.message + nothing);
  }
  ImportReport report;
  const std::string head_key = head ? "peer_head:" + [&] {
    const auto* n = ledger::node_signature(*head);
    return n != nullptr ? ledger::to_hex(n->public_key) : std::string("unsigned");
  }() : "";
  if (head) {
    if (ledger::node_signature(*head) == nullptr) return fail(ErrorCode::kCorrupt, "the export's head is not signed by its node" + nothing);
    if (head->log != theirs.state().log_id) return fail(ErrorCode::kCorrupt, "the export's head is of another ledger" + nothing);
    if (head->size > events.size()) {
      return fail(ErrorCode::kCorrupt, "the export's head shows " + std::to_string(head->size) + " events but it holds " +
                                           std::to_string(events.size()) + nothing);
    }
    CORRIDOR_TRY(const auto f, frontier_of(events, head->size));
    if (f.root() != head->root) {
      return fail(ErrorCode::kCorrupt, "the export's events do not give the root of the head it carries (they differ within " +
                                           differing_range(f, head->frontier) + ")" + nothing);
    }
    report.head_checked = true;
  }
  CORRIDOR_CHECK(transact([&]() -> Result<void> {
    // What this node last saw from the exporting node must be a prefix of what it exports now.
    if (head) {
      CORRIDOR_TRY(const auto saved, store_->note(head_key));
      if (saved) {
        CORRIDOR_TRY(const ledger::TreeHead before, ledger::parse_head(*saved, "the head last seen from that node"));
        if (before.log == head->log) {
          if (events.size() < before.size) {
            return fail(ErrorCode::kCorrupt, "the exporting node showed " + std::to_string(before.size) + " events on " +
                                                 core::format_iso8601(before.time) + " and now exports " +
                                                 std::to_string(events.size()) + ": " +
                                                 missing_text(events.size() + 1, before.size) + " (it cut its log short)" +
                                                 nothing);
          }
          CORRIDOR_TRY(const auto f, frontier_of(events, before.size));
          if (f.root() != before.root) {
            return fail(ErrorCode::kCorrupt, "the exporting node's log has changed since its head of " +
                                                 core::format_iso8601(before.time) + ": it differs within " +
                                                 differing_range(f, before.frontier) + " (a fork)" + nothing);
          }
          report.peer_head_consistent = true;
        }
      }
    }
    const State& ours = engine_.state();
    if (events.size() < ours.size) {
      return fail(ErrorCode::kConflict, "the export holds " + std::to_string(events.size()) + " events, this ledger " +
                                            std::to_string(ours.size) + ": it would not extend this ledger" + nothing);
    }
    if (ours.size > 0 && events[ours.size - 1].hash != ours.last_hash) {
      // The chain makes equal last hashes mean equal logs; find the first difference to name it.
      std::uint64_t first = ours.size;
      CORRIDOR_CHECK(store_->scan(1, [&](const Event& e) {
        if (events[e.seq - 1].hash != e.hash) {
          first = e.seq;
          return false;
        }
        return true;
      }));
      return fail(ErrorCode::kConflict, "the export forks this ledger at seq " + std::to_string(first) +
                                            " (a different event)" + nothing);
    }
    const std::uint64_t before = ours.size;
    std::vector<Event> fresh(events.begin() + static_cast<std::ptrdiff_t>(before), events.end());
    const core::UnixSeconds now = core::now_unix();
    for (const Event& e : fresh) {
      if (e.time > now + kClockSkew) {
        return core::refuse(ErrorCode::kInvalidArgument, "L-TIME", "the export's seq " + std::to_string(e.seq) + " is dated " +
                                                                      core::format_iso8601(e.time) + ", in the future" + nothing);
      }
      // The export's own fold verified every signature.
      CORRIDOR_TRY(const Engine::Outcome o, engine_.check(e, /*signed_here=*/true));
      engine_.apply(e, o);
    }
    if (head) CORRIDOR_CHECK(store_->set_note(head_key, ledger::head_json(*head)));
    report.appended = fresh.size();
    return commit(before, fresh);
  }));
  return report;
}

Result<std::optional<ledger::TreeHead>> Ledger::kept_head(const ledger::PublicKey& node) {
  CORRIDOR_TRY(const auto saved, store_->note("peer_head:" + ledger::to_hex(node)));
  if (!saved) return std::optional<ledger::TreeHead>();
  CORRIDOR_TRY(auto h, ledger::parse_head(*saved, "the head last kept of that node"));
  return std::optional<ledger::TreeHead>(std::move(h));
}

Result<Ledger::ExtendReport> Ledger::extend(const std::vector<Event>& fresh, const ledger::TreeHead& head,
                                            const std::optional<std::vector<ledger::Digest>>& proof, std::string* evidence,
                                            const std::optional<std::vector<ledger::Digest>>& prefix_proof) {
  const ledger::HeadSignature* node = ledger::node_signature(head);
  if (node == nullptr) return fail(ErrorCode::kCorrupt, "the head served is not signed by its node");
  CORRIDOR_CHECK(ledger::check_head(head, "the head served"));
  const std::string key = "peer_head:" + ledger::to_hex(node->public_key);
  ExtendReport report;
  // Evidence of a truncation or a fork: the two heads the node signed, and where this node stands.
  const auto refuse_with = [&](const std::optional<ledger::TreeHead>& kept, const std::string& why) -> Result<void> {
    if (evidence != nullptr) {
      json e = {{"served", json::parse(ledger::head_json(head))}, {"reason", why}};
      if (kept) e["kept"] = json::parse(ledger::head_json(*kept));
      const State& s = engine_.state();
      e["local"] = {{"log", s.log_id}, {"size", s.size}, {"root", ledger::to_hex(s.tree.root())}};
      *evidence = e.dump();
    }
    return fail(ErrorCode::kCorrupt, why + "; nothing appended");
  };
  CORRIDOR_CHECK(transact([&]() -> Result<void> {
    const State& s = engine_.state();
    if (s.size > 0 && head.log != s.log_id) return refuse_with(std::nullopt, "the node serves another ledger");
    CORRIDOR_TRY(const auto saved, store_->note(key));
    std::optional<ledger::TreeHead> kept;
    if (saved) {
      CORRIDOR_TRY(kept, ledger::parse_head(*saved, "the head last kept of that node"));
    }
    if (kept && kept->log == head.log) {
      // A head signed before the one kept, and smaller, is only late (two syncs crossing, each
      // with the head it fetched): nothing to do if it is a prefix of this log. A smaller head
      // signed later is a cut log.
      if (head.size < kept->size && head.time < kept->time && head.size <= s.size) {
        CORRIDOR_TRY(const ledger::Digest ours, root_at(head.size));
        if (ours == head.root) return {};
      }
      if (head.size < kept->size) {
        return refuse_with(kept, "the node showed " + std::to_string(kept->size) + " events on " +
                                     core::format_iso8601(kept->time) + " and now shows " + std::to_string(head.size) +
                                     ": " + range_text(head.size + 1, kept->size) + " are gone (it cut its log short)");
      }
      if (!proof) return fail(ErrorCode::kInvalidArgument, "a consistency proof from the kept head is needed");
      if (!ledger::merkle::verify_consistency(kept->size, head.size, kept->root, head.root, *proof)) {
        return refuse_with(kept, "the node's head of size " + std::to_string(head.size) + " is not consistent with its head of " +
                                     core::format_iso8601(kept->time) + " (size " + std::to_string(kept->size) +
                                     "): it rewrote its log (a fork)");
      }
      report.proof_checked = true;
    }
    if (head.size < s.size) {
      // The node is behind this one: fine if it holds the same prefix.
      CORRIDOR_TRY(const ledger::Digest ours, root_at(head.size));
      if (ours != head.root) {
        return refuse_with(kept, "the node's first " + std::to_string(head.size) + " events differ from this node's (a fork)");
      }
      return {};
    }
    const bool whole = fresh.size() == head.size - s.size;
    if ((!whole && (!prefix_proof || fresh.empty() || fresh.size() > head.size - s.size)) ||
        (!fresh.empty() && fresh.front().seq != s.size + 1)) {
      return fail(ErrorCode::kInvalidArgument, "the events served do not run from seq " + std::to_string(s.size + 1) +
                                                   " to the head's size " + std::to_string(head.size) +
                                                   " (or to a size proven a prefix of it)");
    }
    if (!fresh.empty() && fresh.front().prev_hash != s.last_hash) {
      return refuse_with(kept, "the node's log does not continue this node's: its event " + std::to_string(s.size + 1) +
                                   " follows another history (a fork)");
    }
    const std::uint64_t before = s.size;
    for (const Event& e : fresh) {
      CORRIDOR_CHECK(not_in_the_future(e, "the event served at "));
      auto checked = engine_.check(e, /*signed_here=*/false);
      if (!checked) {
        if (checked.error().code == ErrorCode::kCorrupt) return refuse_with(kept, "the event served at " + checked.error().message);
        return core::Unexpected{checked.error()};
      }
      engine_.apply(e, *checked);
    }
    if (whole && engine_.state().tree.root() != head.root) {
      return refuse_with(kept, "the events served do not give the root of the head served");
    }
    if (!whole && !ledger::merkle::verify_consistency(engine_.state().size, head.size, engine_.state().tree.root(), head.root,
                                                      *prefix_proof)) {
      return refuse_with(kept, "the events served up to seq " + std::to_string(engine_.state().size) +
                                   " are not a prefix of the head served (a fork)");
    }
    if (whole) CORRIDOR_CHECK(store_->set_note(key, ledger::head_json(head)));
    report.appended = fresh.size();
    return commit(before, fresh);
  }));
  return report;
}

Result<ledger::TreeHead> Ledger::head(const ledger::KeyPair& node_key, core::UnixSeconds now) {
  const State& s = engine_.state();
  ledger::TreeHead h;
  // An empty log has a head too (RFC 9162: size 0, the root is the hash of the empty string); it
  // names no first event yet, so its log id is the genesis value.
  h.log = s.size == 0 ? ledger::kGenesisHash : s.log_id;
  h.size = s.size;
  h.root = s.tree.root();
  h.time = now;
  for (const auto& n : s.tree.nodes()) h.frontier.push_back(n.hash);
  ledger::sign_head(h, "node", node_key);
  return h;
}

Result<ledger::Digest> Ledger::root_at(std::uint64_t size) {
  if (size > engine_.state().size) {
    return fail(ErrorCode::kInvalidArgument, "the ledger holds " + std::to_string(engine_.state().size) + " events, not " +
                                                 std::to_string(size));
  }
  if (size == engine_.state().size) return engine_.state().tree.root();
  ledger::Digest out{};
  CORRIDOR_CHECK(store_->read([&]() -> Result<void> {
    CORRIDOR_TRY(out, ledger::merkle::root(nodes_of(*store_), size));
    return {};
  }));
  return out;
}

Result<std::vector<ledger::Digest>> Ledger::inclusion_proof(std::uint64_t seq, std::uint64_t size) {
  if (seq == 0 || seq > size || size > engine_.state().size) {
    return fail(ErrorCode::kInvalidArgument, "seq " + std::to_string(seq) + " in a tree of " + std::to_string(size) +
                                                 " (the ledger holds " + std::to_string(engine_.state().size) + ")");
  }
  std::vector<ledger::Digest> out;
  CORRIDOR_CHECK(store_->read([&]() -> Result<void> {
    CORRIDOR_TRY(out, ledger::merkle::inclusion_proof(nodes_of(*store_), seq - 1, size));
    return {};
  }));
  return out;
}

Result<std::vector<ledger::Digest>> Ledger::consistency_proof(std::uint64_t first, std::uint64_t second) {
  if (first > second || second > engine_.state().size) {
    return fail(ErrorCode::kInvalidArgument, "a consistency proof from size " + std::to_string(first) + " to " +
                                                 std::to_string(second) + " (the ledger holds " +
                                                 std::to_string(engine_.state().size) + ")");
  }
  std::vector<ledger::Digest> out;
  CORRIDOR_CHECK(store_->read([&]() -> Result<void> {
    CORRIDOR_TRY(out, ledger::merkle::consistency_proof(nodes_of(*store_), first, second));
    return {};
  }));
  return out;
}

Result<void> Ledger::check_head(const ledger::TreeHead& h) {
  const State& s = engine_.state();
  const std::string when = core::format_iso8601(h.time);
  if (h.size == 0) return {};  // the empty log is a prefix of every log
  if (h.log != s.log_id) {
    return fail(ErrorCode::kCorrupt, "the head is of another ledger (first event " + h.log.substr(0, 16) +
                                         "...), not this one (" + s.log_id.substr(0, 16) + "...)");
  }
  if (h.size > s.size) {
    return fail(ErrorCode::kCorrupt, "the store holds " + std::to_string(s.size) + " events, but the head of " + when +
                                         " showed " + std::to_string(h.size) + ": " + missing_text(s.size + 1, h.size) +
                                         " (the log was cut short)");
  }
  ledger::merkle::Frontier ours;
  Result<void> bad;
  CORRIDOR_CHECK(store_->scan(1, [&](const Event& e) {
    if (e.seq > h.size) return false;
    auto leaf = store::leaf_of(e);
    if (!leaf) {
      bad = core::Unexpected{leaf.error()};
      return false;
    }
    ours.push(*leaf);
    return true;
  }));
  CORRIDOR_CHECK(bad);
  if (ours.root() != h.root) {
    return fail(ErrorCode::kCorrupt, "the store's first " + std::to_string(h.size) + " events differ from what the head of " +
                                         when + " saw, within " + differing_range(ours, h.frontier) + " (a fork)");
  }
  return {};
}

Result<void> Ledger::check_stored_tree() {
  ledger::merkle::Frontier f;
  Result<void> bad;
  return store_->read([&]() -> Result<void> {
    CORRIDOR_CHECK(store_->scan(1, [&](const Event& e) {
      auto leaf = store::leaf_of(e);
      if (!leaf) {
        bad = core::Unexpected{leaf.error()};
        return false;
      }
      std::vector<ledger::merkle::Frontier::Node> completed;
      f.push(*leaf, &completed);
      for (const auto& n : completed) {
        auto stored = store_->tree_node(n.level, n.index);
        if (!stored || *stored != n.hash) {
          bad = fail(ErrorCode::kCorrupt, store_->name() + ": the stored Merkle tree node " + std::to_string(n.level) + "/" +
                                              std::to_string(n.index) + " (over " +
                                              range_text((n.index << n.level) + 1, (n.index + 1) << n.level) +
                                              ") does not match the events");
          return false;
        }
      }
      return true;
    }));
    return bad;
  });
}

}  // namespace corridor::rules
