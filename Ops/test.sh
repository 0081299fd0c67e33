#!/usr/bin/env bash
# Runs the whole test suite: installs system packages, builds, lints the deployment files against the built
# binaries, runs every test target.
set -euo pipefail
cd "$(dirname "$0")/.."
bash Ops/setup.sh --tests
# One formatter config (.swift-format, 120 columns): code that `swift format` would change fails CI. Fix with
# `swift format format -i -r Sources Tests Benchmarks Plugins Package.swift`.
swift format lint --strict -r Sources Tests Benchmarks Plugins Package.swift
# Warnings are errors in every target of ours (Package.swift, `treatAllWarnings`).
swift build --build-tests
bash Ops/lint-deploy.sh
# The quality test on the paper's OnlineRetail data runs gplr over the whole benchmark and keeps both cores busy for
# a while; beside the rest of the suite it starves timing-sensitive tests, so it runs on its own afterwards
# (reported as skipped where the data is absent: see docs/benchmarks.md, "Quality on real data").
# Likewise the tests that keep every core of their process busy on purpose and need a free thread for Swift's tasks
# meanwhile (CoordinatorLeaseStarvationTests, KernelThreadStarvationTests): beside other tests that block the
# tasks' threads they would measure those tests instead. RedisLoadingTests watches a seconds-long window of a
# restarting Redis, which a test process whose threads all wait on other suites can miss.
swift test --skip-build --skip OnlineRetailQualityTests --skip CoordinatorLeaseStarvationTests \
    --skip KernelThreadStarvationTests --skip RedisLoadingTests
swift test --skip-build --filter OnlineRetailQualityTests
swift test --skip-build --filter CoordinatorLeaseStarvationTests
swift test --skip-build --filter KernelThreadStarvationTests
swift test --skip-build --filter RedisLoadingTests
