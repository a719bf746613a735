#include <fstream>
#include <iostream>

#include "cli/common.h"
#include "scenario/report.h"
#include "scenario/scenario.h"

namespace corridor::cli {

Runner add_scenario(CLI::App& app) {
  auto* cmd = app.add_subcommand("scenario", "What-if scenarios over time: claims, access, capacity, convoys, supply");
  cmd->require_subcommand(1);
  struct Opts {
    std::string file, html, trust, day, display;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  auto* run = cmd->add_subcommand("run", "Run a scenario day by day and report it");
  run->add_option("FILE", o->file, "scenario file (TOML)")->required();
  run->add_flag("--json", o->json, "print the whole run as JSON");
  run->add_option("--html", o->html, "write a self-contained HTML report to this file");
  run->add_option("--trust", o->trust,
                  "take each road's status from this party's claims (default: its operator's); 'all': every party's "
                  "account side by side");
  run->add_option("--day", o->day, "the day the HTML map shows (default: the scenario's report_day)");
  run->add_option("--display-name", o->display, "the places column used as display name (default: the scenario's)");
  return [o] {
    auto s = scenario::load_scenario(o->file, o->display);
    if (!s) return report(s.error(), o->json);
    scenario::Day map_day = s->report_day;
    if (!o->day.empty()) {
      auto d = supply::parse_day(o->day, "--day");
      if (!d) return report(d.error(), o->json);
      if (*d < s->start || *d > s->end) {
        return report({core::ErrorCode::kInvalidArgument, "--day: " + o->day + " is outside the scenario's horizon"}, o->json);
      }
      map_day = *d;
    }
    if (o->trust == "all" && !o->html.empty()) {
      return report({core::ErrorCode::kInvalidArgument,
                     "--trust all prints every party's account side by side; an --html report is of one account "
                     "(--trust PARTY, or no --trust for the operators')"},
                    o->json);
    }
    if (o->trust == "all") {
      std::vector<std::string> trusts{""};
      for (const auto& [id, desc] : s->parties) trusts.push_back(id);
      std::vector<nlohmann::json> rows;
      for (const auto& t : trusts) {
        auto r = scenario::run(*s, {t});
        if (!r) return report(r.error(), o->json);
        rows.push_back(scenario::account_json(*s, *r));
      }
      if (o->json) {
        print_json(scenario::relative(nlohmann::json{{"scenario", s->name}, {"file", s->path}, {"accounts", rows}}, s->dir));
      } else {
        std::cout << s->name << "\n" << scenario::accounts_text(rows);
      }
      return 0;
    }
    auto r = scenario::run(*s, {o->trust});
    if (!r) return report(r.error(), o->json);
    if (!o->html.empty()) {
      std::ofstream out(o->html, std::ios::binary | std::ios::trunc);
      out << scenario::html_report(*s, *r, map_day);
      if (!out) return report({core::ErrorCode::kIo, o->html + ": cannot write the report"}, o->json);
    }
    if (o->json) {
      print_json(scenario::relative(scenario::to_json(*s, *r), s->dir));
    } else {
      std::cout << scenario::summary_text(*s, *r);
      if (!o->html.empty()) std::cout << "\nHTML report: " << o->html << "\n";
    }
    return 0;
  };
}

}  // namespace corridor::cli
