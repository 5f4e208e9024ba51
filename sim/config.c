/** \file config.c
 * The single source of truth for scenario keys: one table gives every key's
 * type, default, range, unit and meaning. The same table fills defaults,
 * parses and range-checks values, and (config_echo.c) prints the resolved
 * scenario and makes the key table of docs/CONFIG.md (`parksim keys`, `make
 * docs`). This file loads a scenario (`base:` files, --set overrides) and
 * runs the value and cross-field checks; config_assess.c parses the
 * assessment schema.
 *
 * Validation collects every problem and fails once, so a user fixes a file in
 * one pass. Messages name the file, line, column and key.
 */
#include "config_internal.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* T_ENUM keys store the index of their word in a space-separated list. */
#define ALLOC_WORDS "need equal strongest"
#define TARGETING_WORDS "province " ALLOC_WORDS
#define UNSPENT_WORDS "pool carry lapse" /* the order of UnspentRule */

#define F(field) offsetof(Params, field), sizeof(((Params *)0)->field)

/* Sources: [V] verified (docs/SOURCES.md section), [A] assumption. The help
 * text is what `parksim keys` prints into docs/CONFIG.md. */
static const ParamSpec specs_before[] = {
    {"scenario.name", T_STR, F(name), "unnamed", 1, 0, "", "Scenario name: default output file name and table row label"},
    {"scenario.description", T_STR, F(description), "", 0, 0, "", "Free text stored in the output"},
    {"scenario.targets", T_STR, F(targets), "2027:6 2028:10", 0, 0, "", "First-tier park targets as YEAR:COUNT pairs (the Jiangxi plan: 6 by 2027, ~10 by 2028) [V §2.3]; stored in the output, where parkstat reads them"},

    {"run.seed", T_U64, F(run.seed), "20260101", 0, 0, "", "Master seed of every keyed random stream"},
    {"run.replicates", T_INT, F(run.replicates), "1000", 1, 10000000, "", "Monte-Carlo replicates"},
    {"run.start_year", T_INT, F(run.start_year), "2026", 1990, 2100, "year", "First simulated year (January); the initial state is the end of the year before"},
    {"run.years", T_INT, F(run.years), "3", 1, 50, "years", "Simulated years (monthly steps, assessment at each year end)"},
    {"run.chunk_replicates", T_INT, F(run.chunk_replicates), "16", 1, 4096, "replicates", "Replicates each rank computes between collective writes (HDF5 chunk rows); bounds memory"},

    {"population.parks_file", T_PATH, F(population.parks_file), "", 0, 0, "", "Park population CSV, relative to the file that names it (required)"},
    {"population.size_sigma", T_DBL, F(population.size_sigma), "2.36", 0.01, 5, "ln", "Spread of the lognormal body of initial firm revenues; fitted by `parksim calibrate` to a 规上 share of 0.45 [fitted; the target is one multi-industry park's share, 吉水 44.6% (V §3.2), applied to chemical parks: A]"},
    {"population.min_revenue", T_DBL, F(population.min_revenue), "200", 0, 1e9, "CNY 1e4 a-1", "No initial firm starts below this revenue (twice firm.exit_min_revenue, so the initial population is viable); the park total is kept [A]"},
    {"population.tail_share", T_DBL, F(population.tail_share), "0.1", 0, 0.5, "1", "Share of firms drawn from the Pareto upper tail [A]"},
    {"population.tail_alpha", T_DBL, F(population.tail_alpha), "1.1", 0.5, 5, "1", "Pareto CCDF exponent of the upper tail (Axtell 2001; China 1.0-1.5) [V §4.1]"},
    {"population.leading_share", T_DBL, F(population.leading_share), "0.7", 0, 1, "1", "Share of firms on the park's leading chains [A; guided by 永修's 产业关联度 of 70% (V §2.2), a linkage ratio, not a share of firms]"},
    {"population.chain_links", T_INT, F(population.chain_links), "10", 1, 64, "links", "Links (positions) per leading chain [A]"},
    {"population.land_elasticity", T_DBL, F(population.land_elasticity), "0.8", 0, 2, "1", "Land held grows as revenue^elasticity [A]"},
    {"population.tech_mean", T_DBL, F(population.tech_mean), "0.492", 0, 1, "1", "Mean initial technology/digital level; fitted by `parksim calibrate` to 55% of 规上 firms at or above digital_threshold [fitted; the 55% is an upper-bound estimate from Jiangxi's retrofit count (V §3.5): A]"},
    {"population.tech_sd", T_DBL, F(population.tech_sd), "0.2", 0, 1, "1", "Spread of initial technology level [A]"},
    {"population.rd_mean", T_DBL, F(population.rd_mean), "0.015", 0, 0.5, "1", "Mean R&D intensity [A; the national target of 1.5% for above-scale firms (V §1.7) used as the mean: a target, not an observation]"},
    {"population.rd_sigma", T_DBL, F(population.rd_sigma), "0.6", 0, 3, "ln", "Lognormal spread of R&D intensity [A]"},
    {"population.safety_mean", T_DBL, F(population.safety_mean), "0.85", 0.01, 0.99, "1", "Mean safety compliance (Beta distribution) [A]"},
    {"population.safety_concentration", T_DBL, F(population.safety_concentration), "10", 0.1, 1000, "1", "Beta concentration a+b of safety compliance [A]"},
    {"population.innovative_share", T_DBL, F(population.innovative_share), "0.25", 0, 1, "1", "Share of firms at the innovative-SME tier [A]"},
    {"population.specialised_share", T_DBL, F(population.specialised_share), "0.12", 0, 1, "1", "Share at the 专精特新 tier [A, ratio V §3.6]"},
    {"population.little_giant_share", T_DBL, F(population.little_giant_share), "0.007", 0, 1, "1", "Share at the little-giant tier; with champions 1:15:31 to 专精特新 and innovative SMEs (Jiangxi 1:15:32) [V §3.6]"},
    {"population.champion_share", T_DBL, F(population.champion_share), "0.001", 0, 1, "1", "Share at the manufacturing-champion tier [A]"},
    {"population.idle_site_mu", T_DBL, F(population.idle_site_mu), "50", 1, 100000, "mu", "Typical size of an initial idle site [A]"},

    {"firm.growth_drift", T_DBL, F(firm.growth_drift), "0.0155", -1, 1, "a-1", "Annual drift of log revenue before the technology and cultivation effects; fitted by `parksim calibrate` to 5% aggregate growth [fitted; the target is Jiangxi's all-industry nominal 规上 revenue growth of one year, 2025 (V §2.5), applied to chemical parks 2026-2028: A]"},
    {"firm.growth_sigma", T_DBL, F(firm.growth_sigma), "0.25", 0, 3, "a-1", "Sd of annual log growth at the reference size [A §5.2]"},
    {"firm.growth_size_beta", T_DBL, F(firm.growth_size_beta), "0.2", 0, 1, "1", "Sd scales as size^-beta (Amaral et al. 1997: 0.20) [V §4.1]"},
    {"firm.growth_ref_revenue", T_DBL, F(firm.growth_ref_revenue), "20000", 1, 1e9, "CNY 1e4 a-1", "Reference size of growth_sigma [A]"},
    {"firm.tech_growth_effect", T_DBL, F(firm.tech_growth_effect), "0.03", -1, 1, "a-1", "Extra annual log growth per unit of technology level [A]"},
    {"firm.exit_rate", T_DBL, F(firm.exit_rate), "0.0134", 0, 1, "a-1", "Baseline exit hazard rate (monthly probability rate/12); with the minimum-revenue rule, fitted by `parksim calibrate` to 5% exits a year [A §3.3, §5.2]"},
    {"firm.exit_dclass_multiplier", T_DBL, F(firm.exit_dclass_multiplier), "3", 1, 100, "1", "Exit hazard multiplier for 亩均 class D firms [A §3.3]"},
    {"firm.exit_min_revenue", T_DBL, F(firm.exit_min_revenue), "100", 0.001, 1e9, "CNY 1e4 a-1", "Firms below this revenue exit at once [A]"},
    {"firm.class_a_share", T_DBL, F(firm.class_a_share), "0.25", 0, 1, "1", "亩均 class A: top share by revenue per mu [V §3.4]"},
    {"firm.class_c_share", T_DBL, F(firm.class_c_share), "0.25", 0, 1, "1", "亩均 class C share (above D) [V §3.4]"},
    {"firm.class_d_share", T_DBL, F(firm.class_d_share), "0.05", 0, 1, "1", "亩均 class D: bottom share [V §3.4]"},
    {"firm.upgrade_rate", T_DBL, F(firm.upgrade_rate), "0.1", 0, 1, "a-1", "Baseline upgrade hazard rate (monthly probability rate/12) [A]"},
    {"firm.upgrade_step", T_DBL, F(firm.upgrade_step), "0.25", 0.001, 1, "1", "Technology level gained per upgrade [A]"},
    {"firm.upgrade_revenue_gain", T_DBL, F(firm.upgrade_revenue_gain), "0.03", 0, 1, "ln", "Log revenue gained per upgrade [A]"},
    {"firm.upgrade_safety_gain", T_DBL, F(firm.upgrade_safety_gain), "0.2", 0, 1, "1", "Share of the safety gap closed per upgrade [A]"},
    {"firm.upgrade_project_revenue", T_DBL, F(firm.upgrade_project_revenue), "100000", 1, 1e12, "CNY 1e4 a-1", "Revenue one upgrade project covers (10亿): a larger firm runs revenue/this projects' worth of upgrades, each on that share of it, so one project of a 350亿 anchor no longer lifts the park's technology level at a stroke [A]"},
    {"firm.upgrade_investment_share", T_DBL, F(firm.upgrade_investment_share), "0.08", 0, 10, "1", "Investment of an upgrade as a share of the annual revenue it covers: Jiangxi plans ~2000亿 of 技改 investment a year over ~10,000 upgrading firms (2000万 each), against a mean 规上 revenue of ~2.6亿 (46645亿 over ~18,000 firms) [V §2.5, §3.5; the ratio derived]"},
    {"firm.digital_threshold", T_DBL, F(firm.digital_threshold), "0.5", 0, 1, "1", "Technology level counted as digitally retrofitted [A]"},
    {"firm.incident_rate", T_DBL, F(firm.incident_rate), "0.03", 0, 1, "a-1", "Annual incident hazard of a firm with zero compliance and technology [A §3.7]"},
    {"firm.incident_tech_reduction", T_DBL, F(firm.incident_tech_reduction), "0.5", 0, 1, "1", "Share of incident hazard removed at technology level 1 [A]"},
    {"firm.serious_share", T_DBL, F(firm.serious_share), "0.08", 0, 1, "1", "Share of incidents that are serious (较大 or worse: veto) [A §3.7]"},

    {"entry.rate", T_DBL, F(entry.rate), "0.6", 0, 12, "a-1", "Hazard rate at which a cleared site is let to an entrant (monthly probability rate/12) [A]"},
    {"entry.gap_fill_share", T_DBL, F(entry.gap_fill_share), "0.2", 0, 1, "1", "Share of entrants placed on a missing leading-chain link [A]"},
    {"entry.leading_share", T_DBL, F(entry.leading_share), "0.6", 0, 1, "1", "Share of other entrants on the leading chains [A]"},
    {"entry.revenue_per_mu", T_DBL, F(entry.revenue_per_mu), "250", 0.1, 1e6, "CNY 1e4 mu-1 a-1", "Entrant revenue per mu (Jiangxi target 400) [A, V §3.4]"},
    {"entry.revenue_sigma", T_DBL, F(entry.revenue_sigma), "0.5", 0, 3, "ln", "Lognormal spread of entrant revenue [A]"},
    {"entry.tech_mean", T_DBL, F(entry.tech_mean), "0.6", 0, 1, "1", "Mean technology level of entrants [A]"},
    {"entry.tech_sd", T_DBL, F(entry.tech_sd), "0.15", 0, 1, "1", "Spread of entrant technology level [A]"},

    {"land.clear_rate", T_DBL, F(land.clear_rate), "0.2", 0, 12, "a-1", "Baseline hazard rate at which an idle site is cleared for re-letting (monthly probability rate/12): below the pace of Jiangxi's rule to digest approved-but-unused land within 3 years (V §3.4), since idle stocks persisted until campaigns cleared them [A]"},

    {"mergers.rate", T_DBL, F(mergers.rate), "0.05", 0, 12, "a-1", "Baseline hazard rate at which a weak (C/D) firm is acquired (monthly probability rate/12) [A; ~1.95%/yr of all firms, V §3.3]"},
    {"mergers.same_chain_share", T_DBL, F(mergers.same_chain_share), "0.55", 0, 1, "1", "Share of acquirers sought on the target's chain [V §3.3]"},
    {"mergers.land_release_share", T_DBL, F(mergers.land_release_share), "0.3", 0, 1, "1", "Share of the target's land released as an idle site [A]"},
    {"mergers.synergy", T_DBL, F(mergers.synergy), "0.05", 0, 1, "1", "Revenue gain on the target's revenue after the deal [A; direction V §3.3]"},
    {"mergers.target_min_class", T_INT, F(mergers.target_min_class), "2", 0, 3, "class", "Best 亩均 class that may be a merger target: firms of this class (0 A, 1 B, 2 C, 3 D) or weaker may be acquired [A: C/D are the classes the 亩均 rules single out, V §3.4]"},
    {"mergers.acquirer_max_class", T_INT, F(mergers.acquirer_max_class), "1", 0, 3, "class", "Weakest 亩均 class (0 A .. 3 D) that may acquire [A: buyers are more productive, V §3.3]"},

    {"chain.project_rate", T_DBL, F(chain.project_rate), "0", 0, 12, "a-1", "Chain-extension projects per large park-year without the lever (gap-filling entrants already exist) [A]"},
    {"chain.size_factor_m", T_DBL, F(chain.size_factor_m), "0.5", 0, 10, "1", "Project rate of a medium park relative to a large one (0.5 per M park vs 1 per L park) [A, SOURCES §5.3]"},
    {"chain.size_factor_s", T_DBL, F(chain.size_factor_s), "0.25", 0, 10, "1", "Project rate of a small park relative to a large one [A]"},
    {"chain.project_scale", T_DBL, F(chain.project_scale), "1.5", 0.01, 100, "1", "Revenue per mu of a project firm relative to an ordinary entrant [A]"},
    {"chain.min_site_mu", T_DBL, F(chain.min_site_mu), "20", 0, 1e6, "mu", "Smallest idle site a project can use [A]"},

    {"cultivation.rate.innovative", T_DBL, F(cultivation.rate[0]), "0.06", 0, 12, "a-1", "Promotion hazard ordinary → innovative SME, when eligible [A, SOURCES §5.3]"},
    {"cultivation.rate.specialised", T_DBL, F(cultivation.rate[1]), "0.04", 0, 12, "a-1", "Promotion hazard innovative SME → 专精特新, when eligible [A]"},
    {"cultivation.rate.little_giant", T_DBL, F(cultivation.rate[2]), "0.015", 0, 12, "a-1", "Promotion hazard 专精特新 → little giant, when eligible [A]"},
    {"cultivation.rate.champion", T_DBL, F(cultivation.rate[3]), "0.003", 0, 12, "a-1", "Promotion hazard little giant → manufacturing champion, when eligible [A]"},
    {"cultivation.rd_min.innovative", T_DBL, F(cultivation.rd_min[0]), "0.01", 0, 1, "1", "R&D intensity needed to become an innovative SME [A]"},
    {"cultivation.rd_min.specialised", T_DBL, F(cultivation.rd_min[1]), "0.03", 0, 1, "1", "R&D intensity needed for 专精特新 [A]"},
    {"cultivation.rd_min.little_giant", T_DBL, F(cultivation.rd_min[2]), "0.03", 0, 1, "1", "R&D intensity needed for little giant [A]"},
    {"cultivation.rd_min.champion", T_DBL, F(cultivation.rd_min[3]), "0.03", 0, 1, "1", "R&D intensity needed for manufacturing champion [A]"},
    {"cultivation.revenue_min.innovative", T_DBL, F(cultivation.revenue_min[0]), "0", 0, 1e9, "CNY 1e4 a-1", "Revenue needed to become an innovative SME [A]"},
    {"cultivation.revenue_min.specialised", T_DBL, F(cultivation.revenue_min[1]), "1000", 0, 1e9, "CNY 1e4 a-1", "Revenue needed for 专精特新 [A]"},
    {"cultivation.revenue_min.little_giant", T_DBL, F(cultivation.revenue_min[2]), "10000", 0, 1e9, "CNY 1e4 a-1", "Revenue needed for little giant (1亿) [A]"},
    {"cultivation.revenue_min.champion", T_DBL, F(cultivation.revenue_min[3]), "40000", 0, 1e9, "CNY 1e4 a-1", "Revenue needed for manufacturing champion (4亿) [A]"},
    {"cultivation.tech_min.innovative", T_DBL, F(cultivation.tech_min[0]), "0", 0, 1, "1", "Technology level needed to become an innovative SME [A]"},
    {"cultivation.tech_min.specialised", T_DBL, F(cultivation.tech_min[1]), "0.5", 0, 1, "1", "Technology level needed for 专精特新 [A]"},
    {"cultivation.tech_min.little_giant", T_DBL, F(cultivation.tech_min[2]), "0.5", 0, 1, "1", "Technology level needed for little giant [A]"},
    {"cultivation.tech_min.champion", T_DBL, F(cultivation.tech_min[3]), "0.6", 0, 1, "1", "Technology level needed for manufacturing champion [A]"},
    {"cultivation.growth_bonus", T_DBL, F(cultivation.growth_bonus), "0.005", 0, 1, "a-1", "Extra log growth per year per tier above ordinary (support and credentials) [A]"},
    {"cultivation.rd_gain", T_DBL, F(cultivation.rd_gain), "0.2", 0, 10, "1", "Relative rise of R&D intensity on each promotion [A]"},
    {"cultivation.chain_leader_revenue", T_DBL, F(cultivation.chain_leader_revenue), "500000", 0, 1e12, "CNY 1e4 a-1", "Revenue at which a leading-chain firm counts as a chain leader (链主, 50亿) [A; anchors 100亿+ V §2.2]"},

    {"safety.infra_l", T_DBL, F(safety.infra_l), "0.6", 0, 1, "1", "Initial shared safety/environment infrastructure level of a large park [A]"},
    {"safety.infra_m", T_DBL, F(safety.infra_m), "0.4", 0, 1, "1", "Initial infrastructure level of a medium park [A]"},
    {"safety.infra_s", T_DBL, F(safety.infra_s), "0.25", 0, 1, "1", "Initial infrastructure level of a small park [A]"},
    {"safety.infra_reviewed", T_DBL, F(safety.infra_reviewed), "0.6", 0, 1, "1",
     "Initial infrastructure level of a park marked `reviewed` in the park file, whatever its size: checked against the 2022 construction standards, which require shared wastewater, hazardous-waste and monitoring facilities [V §2.1 which parks; level A]"},
    {"safety.infra_effect", T_DBL, F(safety.infra_effect), "0.5", 0, 1, "1", "Incident hazard at infrastructure level 1, relative reduction (hazard × (1 − effect × level)) [A]"},
    {"safety.infra_cost_per_mu", T_DBL, F(safety.infra_cost_per_mu), "5", 0.0001, 1e9, "CNY 1e4 mu-1", "Investment per mu of park land that raises the shared infrastructure level by 1 (linear): facilities are sized to the park; 5 gives 2亿 for a park of 4000 mu, the Jiangxi mean [A]"},
    {"safety.freeze_share", T_DBL, F(safety.freeze_share), "1", 0, 1, "1", "Share of serious (较大+) incidents that freeze new projects [A: 1 as SOURCES §5.3 proposes; the Yunnan rule it rests on freezes only after 重大+ accidents, 2 of 13 较大+ in 2018, i.e. about 0.15 (V §1.6, §3.7)]"},
    {"safety.freeze_months", T_INT, F(safety.freeze_months), "12", 0, 120, "months", "New projects (entrants, chain projects) frozen after a serious incident, incident month included [V §1.6 freeze rule; 1 year]"},

    {"smart.base_investment", T_DBL, F(smart.base_investment), "300", 0, 1e9, "CNY 1e4 a-1", "Park's own smart-platform investment per year [A]"},
    {"smart.cost_improved", T_DBL, F(smart.cost[0]), "1500", 0, 1e12, "CNY 1e4", "Platform investment to go from 初始级 to 提升级 [A]"},
    {"smart.cost_top", T_DBL, F(smart.cost[1]), "4000", 0, 1e12, "CNY 1e4", "Platform investment to go from 提升级 to the top level [A]"},
    {"smart.coverage_improved", T_DBL, F(smart.coverage[0]), "0.6", 0, 1, "1", "Digital coverage of above-scale firms needed for 提升级 [A]"},
    {"smart.coverage_top", T_DBL, F(smart.coverage[1]), "0.85", 0, 1, "1", "Digital coverage needed for the top level [A]"},

};

/* Keys after the levers'. */
static const ParamSpec specs_after[] = {
    {"province.budget", T_DBL, F(province.budget), "0", 0, 1e12, "CNY 1e4 a-1", "Cap on the levers' total budget each year: if the levers' budgets add up to more, each is scaled down in proportion (0 = no cap)"},
    {"province.allocation", T_ENUM, F(province.allocation), "need", 0, 0, "", "Default split of each lever's budget across parks: `need` (what the lever can act on), `equal` (parks with any need), `strongest` (the plan's 'support the strongest candidates')"},
    {"province.candidates", T_INT, F(province.candidates), "10", 1, 10000, "parks", "`strongest`: number of candidate parks, the best composite scores at the last assessment [A: the plan's 2028 target of ~10]"},
    {"province.candidate_share", T_DBL, F(province.candidate_share), "0.8", 0, 1, "1", "`strongest`: share of each budget for the candidates (by need among them); the rest by need among the others [A]"},
    {"province.unspent", T_ENUM, F(province.unspent), "pool", 0, 0, "", "What happens to a park's unspent lever money at the year end: `pool` (back to the province, added to the lever's next budget and split again by its rule), `carry` (the park keeps it on top of its next allotment) or `lapse` (lost); money of a lever not active in the new year is lost [A: pool, as provinces recall and re-plan unspent special funds]"},

    {"assessment.tier1_min", T_DBL, F(assessment.tier1_min), "64.3", 0, 100, "score", "Composite score for the first tier (一级); fitted by `parksim calibrate` to ~2 first-tier parks in 2025 [A §5.4]"},
    {"assessment.tier2_min", T_DBL, F(assessment.tier2_min), "40.4", 0, 100, "score", "Composite score for the second tier (二级); fitted by `parksim calibrate` so that 吉水, verified 二级, is at least 二级 in 80% of replicates, which overrides the assumed ~9 second-tier parks in 2025 [V §1.2 fact; A §5.4 count; Yunnan 60, Jiangsu 80 analogues V §1.6]"},
    {"assessment.tier1_min_smart_level", T_INT, F(assessment.tier1_min_smart_level), "1", 0, 2, "level", "Park smart level needed for the first tier (1 = 提升级) [A]"},
    {"assessment.veto_serious_incident", T_BOOL, F(assessment.veto_serious_incident), "true", 0, 1, "", "A serious incident in the year caps the tier at 三级 (one-vote veto) [V §1.6]"},
    {"assessment.focus_max_industries", T_INT, F(assessment.focus_max_industries), "3", 1, 50, "industries", "Leading industries allowed without penalty (原则上不宜超过3个主导产业) [V §5.3]"},
    {"assessment.focus_penalty", T_DBL, F(assessment.focus_penalty), "5", 0, 100, "score", "Composite points lost per leading industry beyond the allowance [A]"},

    {"calibration.replicates", T_INT, F(calibration.replicates), "100", 1, 100000, "replicates", "Replicates `parksim calibrate` averages over"},
    {"calibration.tier1_parks", T_DBL, F(calibration.tier1_parks), "2", 0, 10000, "parks", "Target: mean first-tier parks in the initial state (2025) [A, SOURCES §5.4: sensitivity 0-4]"},
    {"calibration.tier2_parks", T_DBL, F(calibration.tier2_parks), "9", 0, 10000, "parks", "Target: mean second-tier parks in the initial state [A, §5.4]"},
    {"calibration.growth", T_DBL, F(calibration.growth), "0.05", -0.5, 1, "a-1", "Target: baseline growth of aggregate park revenue per year (Jiangxi 2025 realised +5%) [V §5.2]"},
    {"calibration.exit_rate", T_DBL, F(calibration.exit_rate), "0.05", 0, 1, "a-1", "Target: exits per firm-year from every cause (hazard, D-class multiplier, minimum revenue) [A, SOURCES §5.2: 5%/yr]"},
    {"calibration.digital_coverage", T_DBL, F(calibration.digital_coverage), "0.55", 0, 1, "1", "Target: initial share of above-scale firms digitally retrofitted (~55% by 2025) [V §3.5]"},
    {"calibration.above_scale_share", T_DBL, F(calibration.above_scale_share), "0.45", 0, 1, "1", "Target: initial share of firms above designated size (规上; 吉水 44.6%) [V §5.1]"},
    {"calibration.ratio_specialised", T_DBL, F(calibration.ratio_specialised), "15", 0, 1000, "1", "Target: 专精特新 firms per little giant (Jiangxi 1:15:32) [V §3.6]"},
    {"calibration.ratio_innovative", T_DBL, F(calibration.ratio_innovative), "32", 0, 1000, "1", "Target: innovative SMEs per little giant (Jiangxi 1:15:32) [V §3.6]"},
    {"calibration.tier_tol", T_DBL, F(calibration.tier_tol), "0.25", 0, 100, "parks", "Tolerance on the mean tier counts"},
    {"calibration.growth_tol", T_DBL, F(calibration.growth_tol), "0.0025", 0, 1, "a-1", "Tolerance on the aggregate growth rate"},
    {"calibration.exit_tol", T_DBL, F(calibration.exit_tol), "0.0025", 0, 1, "a-1", "Tolerance on the exit rate"},
    {"calibration.coverage_tol", T_DBL, F(calibration.coverage_tol), "0.02", 0, 1, "1", "Tolerance on the digital coverage"},
    {"calibration.share_tol", T_DBL, F(calibration.share_tol), "0.02", 0, 1, "1", "Tolerance on the above-scale share"},
    {"calibration.ratio_tol", T_DBL, F(calibration.ratio_tol), "0.2", 0, 10, "1", "Relative tolerance on the cultivation-tier ratios (checked, not fitted: they follow population.*_share)"},
    {"calibration.park_fact_share", T_DBL, F(calibration.park_fact_share), "0.8", 0, 1, "1", "Share of replicates in which a park with a verified 2025 tier (park file `tier_2025`) must reach at least that tier; the tier's cut-off is lowered until it does, before the assumed tier counts [A: 'most replicates']"},

    {"output.monthly", T_BOOL, F(output.monthly), "true", 0, 1, "", "Write the per-month park trajectories"},
    {"output.compression", T_INT, F(output.compression), "1", 0, 9, "", "Deflate level of the HDF5 datasets (0 = none)"},
};
#define N_BEFORE ((int)(sizeof specs_before / sizeof specs_before[0]))
#define N_AFTER ((int)(sizeof specs_after / sizeof specs_after[0]))

/* The keys of the levers come from the lever table (policies/levers.h): the
 * five every lever has, then the descriptor's own, lever by lever in table
 * order, between the keys above and those below. */
#define LEVER_MAX_KEYS 8
enum { N_LEVER_ROWS = LEVER_COUNT * (5 + LEVER_MAX_KEYS) };
static ParamSpec specs[N_BEFORE + N_LEVER_ROWS + N_AFTER];
static char lever_key[N_LEVER_ROWS][96], lever_help[N_LEVER_ROWS][256];
static int n_specs;

/* One row; `fmt` makes the help text. The texts are made once and must fit
 * their buffers whole (a lever's own key docs are used as they are). */
static void lever_row(const char *lever, const char *name, PType type, size_t off, size_t size, const char *def,
                      double min, double max, const char *unit, const char *doc, const char *fmt, const char *what)
{
    int r = n_specs - N_BEFORE;
    SIM_ASSERT(r >= 0 && r < N_LEVER_ROWS);
    int nk = snprintf(lever_key[r], sizeof lever_key[r], "levers.%s.%s", lever, name);
    SIM_ASSERT(nk > 0 && (size_t)nk < sizeof lever_key[r]);
    const char *help = doc;
    if (!help) {
        SIM_ASSERT(fmt != NULL); /* a row has its own doc or a format for the common one */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
        int nh = snprintf(lever_help[r], sizeof lever_help[r], fmt, what);
#pragma GCC diagnostic pop
        SIM_ASSERT(nh > 0 && (size_t)nh < sizeof lever_help[r]);
        help = lever_help[r];
    }
    ParamSpec s = {lever_key[r], type, off, size, def, min, max, unit, help};
    specs[n_specs++] = s;
}

static void build_specs(void)
{
    if (n_specs) return;
    memcpy(specs, specs_before, sizeof specs_before);
    n_specs = N_BEFORE;
    for (int id = 0; id < LEVER_COUNT; id++) {
        const LeverType *t = lever_table[id];
        size_t c = t->params;
#define ROW(name, type, field, def, min, max, unit, fmt) \
        lever_row(t->key, name, type, c + offsetof(LeverParams, field), sizeof(((LeverParams *)0)->field), def, min, \
                  max, unit, NULL, fmt, t->what)
        ROW("start", T_MONTH, start, "start", 0, 0, "YYYY-MM", "First month of the %s lever");
        ROW("end", T_MONTH, end, "end", 0, 0, "YYYY-MM", "Last month of the %s lever");
        ROW("intensity", T_DBL, intensity, "0", 0, 1, "1", "0 off (bit-identical to no lever), 1 full");
        ROW("budget", T_DBL, budget, "0", 0, 1e12, "CNY 1e4 a-1",
            "Provincial budget per year for the %s lever, split across parks by `targeting`");
        ROW("targeting", T_ENUM, targeting, "province", 0, 0, "",
            "Split of the budget across parks: `province` (as province.allocation), `need`, `equal` or `strongest`");
#undef ROW
        SIM_ASSERT(t->n_keys <= LEVER_MAX_KEYS);
        for (int j = 0; j < t->n_keys; j++) {
            const LeverKey *k = &t->keys[j];
            lever_row(t->key, k->name, T_DBL, k->off, sizeof(double), k->def, k->lo, k->hi, k->unit, k->doc, NULL, NULL);
        }
    }
    memcpy(&specs[n_specs], specs_after, sizeof specs_after);
    n_specs += N_AFTER;
}

const ParamSpec *cfg_spec_table(int *n)
{
    build_specs();
    *n = n_specs;
    return specs;
}

/* ---------------------------------------------------------------- errors */

#define MAX_REPORTED 50

static void report(Ctx *cx, const YNode *at, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void report(Ctx *cx, const YNode *at, const char *key, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (++cx->n_err > MAX_REPORTED + 1) return;
    if (cx->n_err == MAX_REPORTED + 1) { sim_error("more than %d errors; the rest are not listed", MAX_REPORTED); return; }
    if (!at) sim_error("%s: %s: %s", cx->scenario, key, msg);
    else if (at->line == 0) sim_error("--set %s: %s", key, msg);
    else sim_error("%s:%d:%d: %s: %s", at->file, at->line, at->col, key, msg);
}

void cfg_report(Ctx *cx, const YNode *at, const char *key, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    report(cx, at, key, "%s", msg);
}

const char *cfg_choices(const ParamSpec *s)
{
    if (!strcmp(s->key, "province.allocation")) return ALLOC_WORDS;
    if (!strcmp(s->key, "province.unspent")) return UNSPENT_WORDS;
    return TARGETING_WORDS;
}

/* ---------------------------------------------------------------- keys */

static const ParamSpec *find_spec(const char *key)
{
    build_specs();
    for (int i = 0; i < n_specs; i++)
        if (!strcmp(specs[i].key, key)) return &specs[i];
    return NULL;
}

/* Whether `prefix` (without trailing dot) is a section of some key. */
static int is_section(const char *prefix)
{
    size_t n = strlen(prefix);
    build_specs();
    for (int i = 0; i < n_specs; i++)
        if (!strncmp(specs[i].key, prefix, n) && specs[i].key[n] == '.') return 1;
    return !strcmp(prefix, "assessment");
}

static int edit_distance(const char *a, const char *b)
{
    int la = (int)strlen(a), lb = (int)strlen(b);
    if (la > 63 || lb > 63) return 99;
    int d[64][64];
    for (int i = 0; i <= la; i++) d[i][0] = i;
    for (int j = 0; j <= lb; j++) d[0][j] = j;
    for (int i = 1; i <= la; i++)
        for (int j = 1; j <= lb; j++) {
            int c = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < c) c = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < c) c = d[i][j - 1] + 1;
            d[i][j] = c;
        }
    return d[la][lb];
}

static void report_unknown(Ctx *cx, const YNode *map, int i, const char *path)
{
    const char *best = NULL;
    int bd = 4;
    build_specs();
    for (int k = 0; k < n_specs; k++) {
        int d = edit_distance(path, specs[k].key);
        if (d < bd) { bd = d; best = specs[k].key; }
    }
    YNode at = *map;
    at.line = map->key_line[i];
    at.col = map->key_col[i];
    at.file = map->items[i]->file;
    if (best) report(cx, &at, path, "unknown key (did you mean '%s'?)", best);
    else report(cx, &at, path, "unknown key (see docs/CONFIG.md for the keys)");
}

/* ---------------------------------------------------------------- tree walk */

static void walk(Ctx *cx, Params *p, const YNode *map, const char *prefix, const YNode **path_node,
                 const YNode **priors_node)
{
    char path[256];
    for (int i = 0; i < map->n; i++) {
        const YNode *v = map->items[i];
        if (snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", map->keys[i]) >= (int)sizeof path) {
            report_unknown(cx, map, i, map->keys[i]);
            continue;
        }
        if (!strcmp(path, "assessment.groups")) {
            cfg_parse_groups(cx, v, &p->assessment);
            continue;
        }
        if (!strcmp(path, "priors")) { /* not a parameter: the file `parksim run --prior` draws from */
            if (v->kind != YN_SCALAR || !*v->value) report(cx, v, path, "expected the path of a priors file");
            else *priors_node = v;
            continue;
        }
        const ParamSpec *s = find_spec(path);
        if (s) {
            if (cfg_set_value(cx, p, s, v, v->kind == YN_SCALAR ? v->value : "") && s->type == T_PATH)
                *path_node = v;
            continue;
        }
        if (is_section(path)) {
            if (v->kind != YN_MAP) report(cx, v, path, "expected a section (a mapping of keys)");
            else walk(cx, p, v, path, path_node, priors_node);
            continue;
        }
        report_unknown(cx, map, i, path);
    }
}

static void apply_defaults(Params *p)
{
    Ctx cx = {0, "(defaults)"};
    memset(p, 0, sizeof *p);
    build_specs();
    for (int i = 0; i < n_specs; i++) SIM_ASSERT(cfg_set_value(&cx, p, &specs[i], NULL, specs[i].def) || specs[i].type == T_PATH);
}

/* The node at a dotted path, or NULL (for messages about cross-field checks). */
static const YNode *find_path(const YNode *root, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    const YNode *cur = root;
    char *save = NULL;
    for (char *seg = strtok_r(buf, ".", &save); seg && cur; seg = strtok_r(NULL, ".", &save))
        cur = ytree_get(cur, seg, NULL);
    return cur;
}

static void dirname_of(const char *path, char *out, size_t len)
{
    const char *slash = strrchr(path, '/');
    if (!slash) snprintf(out, len, ".");
    else snprintf(out, len, "%.*s", (int)(slash - path) == 0 ? 1 : (int)(slash - path), path);
}

/* Path of `rel` relative to the directory of the file `from` (or the current
 * directory for --set). Returns 0 if the result does not fit. */
static int resolve_rel(const char *from, const char *rel, char *out, size_t len)
{
    if (rel[0] == '/' || !strcmp(from, "--set")) return snprintf(out, len, "%s", rel) < (int)len;
    char dir[PS_PATH_MAX];
    dirname_of(from, dir, sizeof dir);
    return snprintf(out, len, "%s/%s", dir, rel) < (int)len;
}

/* Load one base file named by node `b` of the file `path`. */
static SimStatus load_base(const char *path, const YNode *b, int depth, YNode **out, Ctx *cx);

/* Load a scenario file and, recursively, the files its `base:` names: one
 * path, or a list of paths merged in order (later ones override earlier
 * ones), so that e.g. a lever scenario and an assessment scheme combine. */
static SimStatus load_tree(const char *path, int depth, YNode **out, Ctx *cx)
{
    char err[1024];
    *out = NULL;
    SimStatus st = ytree_load_file(path, out, err, sizeof err);
    if (st != SIM_OK) {
        sim_error("%s", err);
        cx->n_err++;
        return st;
    }
    const YNode *b = ytree_get(*out, "base", NULL);
    if (!b) return SIM_OK;
    if (depth >= 8) {
        report(cx, b, "base", "more than 8 levels of base scenarios (is there a cycle?)");
        return SIM_ECONFIG;
    }
    int nb = b->kind == YN_SEQ ? b->n : 1;
    if (b->kind == YN_MAP || nb == 0) {
        report(cx, b, "base", "expected the path of a base scenario file, or a list of them");
        return SIM_ECONFIG;
    }
    YNode *acc = NULL;
    for (int i = 0; i < nb; i++) {
        YNode *t;
        st = load_base(path, b->kind == YN_SEQ ? b->items[i] : b, depth, &t, cx);
        if (st != SIM_OK) {
            ytree_free(t);
            ytree_free(acc);
            return st;
        }
        if (acc) ytree_merge(acc, t);
        else acc = t;
    }
    ytree_remove(*out, "base");
    ytree_merge(acc, *out);
    *out = acc;
    return SIM_OK;
}

static SimStatus load_base(const char *path, const YNode *b, int depth, YNode **out, Ctx *cx)
{
    *out = NULL;
    if (b->kind != YN_SCALAR || !*b->value) {
        report(cx, b, "base", "expected the path of a base scenario file");
        return SIM_ECONFIG;
    }
    char bpath[PS_PATH_MAX];
    if (!resolve_rel(path, b->value, bpath, sizeof bpath)) {
        report(cx, b, "base", "path too long");
        return SIM_ECONFIG;
    }
    FILE *probe = fopen(bpath, "rb");
    if (!probe) {
        report(cx, b, "base", "cannot open base scenario '%s': %s", bpath, strerror(errno));
        return SIM_ECONFIG;
    }
    fclose(probe);
    return load_tree(bpath, depth + 1, out, cx);
}

/* For a check that involves several keys: the first of `keys` that the
 * scenario (or --set) actually wrote, so the message points at a line the user
 * can see; keys[0] (without a position) if none was written. */
static const char *written_key(const YNode *root, const char *const *keys, int n, const YNode **node)
{
    for (int i = 0; i < n; i++)
        if ((*node = find_path(root, keys[i])) != NULL) return keys[i];
    *node = NULL;
    return keys[0];
}

/* Convert absolute lever months to run months and check them. */
static void check_lever_months(Ctx *cx, Params *p, const YNode *root, const char *name, LeverParams *c)
{
    int first = p->run.start_year * 12, months = params_months(p);
    char ks[64], ke[64];
    snprintf(ks, sizeof ks, "levers.%s.start", name);
    snprintf(ke, sizeof ke, "levers.%s.end", name);
    int s = c->start == INT_MIN ? 0 : c->start - first;
    int e = c->end == INT_MAX ? months - 1 : c->end - first;
    const YNode *at;
    if (s > months - 1) {
        const char *keys[] = {ks};
        const char *k = written_key(root, keys, 1, &at);
        report(cx, at, k, "the lever starts after the run ends (%d-12)", p->run.start_year + p->run.years - 1);
    } else if (e < 0) {
        const char *keys[] = {ke};
        const char *k = written_key(root, keys, 1, &at);
        report(cx, at, k, "the lever ends before the run starts (%d-01)", p->run.start_year);
    } else if (s > e) {
        const char *keys[] = {ke, ks};
        const char *k = written_key(root, keys, 2, &at);
        report(cx, at, k, "%s is after %s", ks, ke);
    }
    c->start = s < 0 ? 0 : s;
    c->end = e > months - 1 ? months - 1 : e;
}

static void check_targets(Ctx *cx, const Params *p, const YNode *root);

static void cross_checks(Ctx *cx, Params *p, const YNode *root)
{
    const YNode *at;
    const char *k;
    if (!p->population.parks_file[0]) report(cx, NULL, "population.parks_file", "required key is missing");
    if (p->firm.class_a_share + p->firm.class_c_share + p->firm.class_d_share > 1.0) {
        const char *keys[] = {"firm.class_d_share", "firm.class_c_share", "firm.class_a_share"};
        k = written_key(root, keys, 3, &at);
        report(cx, at, k, "firm.class_a_share + class_c_share + class_d_share = %g, more than 1",
               p->firm.class_a_share + p->firm.class_c_share + p->firm.class_d_share);
    }
    double cult = p->population.innovative_share + p->population.specialised_share +
                  p->population.little_giant_share + p->population.champion_share;
    if (cult > 1.0) {
        const char *keys[] = {"population.innovative_share", "population.specialised_share",
                              "population.little_giant_share", "population.champion_share"};
        k = written_key(root, keys, 4, &at);
        report(cx, at, k, "the four cultivation-tier shares add up to %g, more than 1", cult);
    }
    if (p->assessment.tier1_min < p->assessment.tier2_min) {
        const char *keys[] = {"assessment.tier2_min", "assessment.tier1_min"};
        k = written_key(root, keys, 2, &at);
        report(cx, at, k, "assessment.tier1_min (%g) must not be below assessment.tier2_min (%g)",
               p->assessment.tier1_min, p->assessment.tier2_min);
    }
    check_targets(cx, p, root);
    for (int id = 0; id < LEVER_COUNT; id++)
        check_lever_months(cx, p, root, lever_name(id), (LeverParams *)((char *)p + lever_table[id]->params));
    if (p->smart.coverage[1] < p->smart.coverage[0]) {
        const char *keys[] = {"smart.coverage_top", "smart.coverage_improved"};
        k = written_key(root, keys, 2, &at);
        report(cx, at, k, "smart.coverage_top (%g) must not be below smart.coverage_improved (%g)",
               p->smart.coverage[1], p->smart.coverage[0]);
    }
}

/* scenario.targets: space-separated YEAR:COUNT pairs with whole counts >= 0.
 * A year outside the run is allowed (the default names 2027 and 2028 also
 * for shorter runs); parkstat reports only the years a file has. */
static void check_targets(Ctx *cx, const Params *p, const YNode *root)
{
    const char *s = p->targets;
    while (*s) {
        while (*s == ' ') s++;
        if (!*s) break;
        int y, c, n = 0;
        if (sscanf(s, "%d:%d%n", &y, &c, &n) != 2 || (s[n] && s[n] != ' ') || c < 0 || y < 1900 || y > 2200) {
            const char *keys[] = {"scenario.targets"};
            const YNode *at;
            const char *k = written_key(root, keys, 1, &at);
            report(cx, at, k, "expected YEAR:COUNT pairs (years 1900..2200, whole counts >= 0), got '%s'", p->targets);
            return;
        }
        s += n;
    }
}

/* ---------------------------------------------------------------- load */

SimStatus config_load(Scenario *sc, const char *path, char *const *sets, int n_sets)
{
    return config_load_overlay(sc, path, NULL, sets, n_sets);
}

SimStatus config_load_overlay(Scenario *sc, const char *path, const char *overlay, char *const *sets, int n_sets)
{
    Ctx cx = {0, path};
    YNode *root = NULL;
    char err[1024];
    memset(sc, 0, sizeof *sc);
    apply_defaults(&sc->p);

    SimStatus st = load_tree(path, 0, &root, &cx);
    if (st == SIM_OK && overlay) {
        YNode *over = NULL;
        st = load_tree(overlay, 0, &over, &cx);
        if (st == SIM_OK) ytree_merge(root, over);
        else ytree_free(over);
    }
    if (st == SIM_OK) st = cfg_add_default_groups(root);
    if (st != SIM_OK) { ytree_free(root); return st == SIM_ENOMEM ? st : SIM_ECONFIG; }
    for (int i = 0; i < n_sets; i++) {
        const char *eq = strchr(sets[i], '=');
        if (!eq || eq == sets[i]) {
            sim_error("--set '%s': expected key=value", sets[i]);
            cx.n_err++;
            continue;
        }
        char key[256];
        snprintf(key, sizeof key, "%.*s", (int)(eq - sets[i]), sets[i]);
        if (ytree_set(root, key, eq + 1, err, sizeof err) != SIM_OK) {
            sim_error("%s", err);
            cx.n_err++;
        }
    }
    const YNode *parks_node = NULL, *priors_node = NULL;
    walk(&cx, &sc->p, root, "", &parks_node, &priors_node);
    if (priors_node && !resolve_rel(priors_node->file, priors_node->value, sc->priors, sizeof sc->priors))
        report(&cx, priors_node, "priors", "path too long");
    if (cx.n_err == 0) cross_checks(&cx, &sc->p, root);

    if (cx.n_err == 0) {
        char ppath[PS_PATH_MAX];
        if (!resolve_rel(parks_node ? parks_node->file : path, sc->p.population.parks_file, ppath, sizeof ppath)) {
            report(&cx, parks_node, "population.parks_file", "path too long");
        } else {
            st = parks_load_csv(ppath, &sc->parks, &sc->n_parks, &sc->parks_csv);
            if (st == SIM_ECONFIG && parks_node && parks_node->line > 0)
                sim_error("(park file named at %s:%d:%d: population.parks_file)", parks_node->file, parks_node->line,
                          parks_node->col);
            if (st != SIM_OK) cx.n_err++;
            else {
                /* Absolute, so the resolved scenario works from any directory. */
                char abs[PATH_MAX];
                const char *use = realpath(ppath, abs) ? abs : ppath;
                if (strlen(use) >= sizeof sc->p.population.parks_file) use = ppath;
                snprintf(sc->p.population.parks_file, sizeof sc->p.population.parks_file, "%s", use);
            }
        }
    }
    ytree_free(root);
    if (cx.n_err) return SIM_ECONFIG;
    sc->resolved = cfg_echo_params(&sc->p);
    return sc->resolved ? SIM_OK : SIM_ENOMEM;
}

int config_sweep_key(const char *key, double *min, double *max, int *is_int, char *err, size_t errlen)
{
    const ParamSpec *s = find_spec(key);
    if (!s) {
        snprintf(err, errlen, "'%s' is not a scenario key (see parksim keys)", key);
        return -1;
    }
    if (s->type != T_DBL && s->type != T_INT) {
        snprintf(err, errlen, "'%s' is not a number key (a sweep varies numbers; %s is %s)", key, key, cfg_type_word(s->type));
        return -1;
    }
    /* These change the output's shape or the replicates' random streams,
     * which every point of a sweep must share. */
    if (!strncmp(key, "run.", 4) || !strncmp(key, "output.", 7)) {
        snprintf(err, errlen, "'%s' cannot be swept: every point of a sweep shares run.* and output.* "
                              "(set them in the scenario or with --set)", key);
        return -1;
    }
    *min = s->min;
    *max = s->max;
    *is_int = s->type == T_INT;
    return 0;
}

int config_set_number(Params *p, const char *key, double v)
{
    const ParamSpec *s = find_spec(key);
    if (!s || (s->type != T_DBL && s->type != T_INT) || !(v >= s->min && v <= s->max)) return -1;
    if (s->type == T_INT) {
        if (v != floor(v)) return -1;
        *(int *)((char *)p + s->off) = (int)v;
    } else {
        *(double *)((char *)p + s->off) = v;
    }
    return 0;
}

void config_free(Scenario *sc)
{
    free(sc->parks);
    free(sc->resolved);
    free(sc->parks_csv);
    memset(sc, 0, sizeof *sc);
}
