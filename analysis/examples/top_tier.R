#!/usr/bin/env Rscript
# How many chemical parks reach the first tier (一级)?  Read parksim output with R's ncdf4.
#
# For each output file (one per scenario) this prints
#   1. the distribution over Monte-Carlo replicates of the number of first-tier
#      parks in one year (2028 unless --year says otherwise): counts and shares;
#   2. per park, the probability of being at the first tier in each assessed
#      year (2025 is the initial state, before any simulated year).
# The same tables as top_tier.py.
#
# Usage:
#   Rscript analysis/examples/top_tier.R results/jiangxi-baseline.h5 results/jiangxi-mergers.h5
#   Rscript analysis/examples/top_tier.R --year 2027 results/*.h5
#
# Needs only R and ncdf4 (Debian: r-base-core r-cran-ncdf4, or `make deps-r`),
# no parksim code. Copy it and adapt it.
suppressPackageStartupMessages(library(ncdf4))

args <- commandArgs(trailingOnly = TRUE)
year_wanted <- 2028
i <- which(args == "--year")
if (length(i)) {
  year_wanted <- as.integer(args[i + 1])
  args <- args[-c(i, i + 1)]
}
if (!length(args)) stop("usage: top_tier.R [--year YEAR] FILE.h5...")

for (path in args) {
  nc <- nc_open(path)
  # Variables are named "group/variable". ncdf4 returns arrays with the axes in
  # reverse order of ncdump's: top_tier_count is [year, replicate] here and
  # tier is [park, year, replicate]. collapse_degen = FALSE keeps an axis of
  # length 1 (a run with one replicate) instead of dropping it.
  name <- ncatt_get(nc, 0, "scenario_name")$value
  year <- ncvar_get(nc, "summary/year")
  top <- ncvar_get(nc, "summary/top_tier_count", collapse_degen = FALSE)
  tier <- ncvar_get(nc, "park_year/tier", collapse_degen = FALSE)
  code <- ncvar_get(nc, "park_year/park_code")
  park_name <- ncvar_get(nc, "park_year/park_name")
  nc_close(nc)

  # 1. Number of first-tier parks in the year, one value per replicate.
  if (!year_wanted %in% year) stop(sprintf("%s: no year %d (years: %s)", path, year_wanted, paste(year, collapse = " ")))
  count <- top[year == year_wanted, ]
  n <- length(count)
  freq <- table(count)
  cat(sprintf("== %s  (%s, %d replicates)\n", name, path, n))
  cat(sprintf("first-tier parks in %d: mean %.2f\n", year_wanted, mean(count)))
  cat("  count  replicates   share\n")
  for (v in names(freq)) {
    k <- freq[[v]]
    cat(sprintf("  %5d  %10d  %6.3f\n", as.integer(v), k, k / n))
  }

  # 2. P(park at the first tier): the share of replicates with tier == 1, per park and year.
  p_top <- apply(tier == 1, c(1, 2), mean)  # [park, year]
  cat("P(first tier) by park and year:\n")
  cat("  park      ", sprintf("%7d", year), "  name\n", sep = "")
  for (p in seq_along(code)) {
    cat(sprintf("  %-8s  ", code[p]), sprintf("%7.3f", p_top[p, ]), sprintf("  %s\n", park_name[p]), sep = "")
  }
  cat("\n")
}
