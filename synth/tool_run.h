// Running Yosys and OpenSTA for a flow (synth_flow, accel_synth): one way to
// start a tool on its script and to say why it failed, and one reader of
// the text files the tools write.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace flexcim::synth {

// Runs `command` (an argument vector) with its output in `log` (replaced).
// On failure throws Error with the tool's own error lines ("ERROR" for
// Yosys, "Error" for OpenSTA), or, when it printed none, the script to
// repeat by hand.
void RunTool(const std::vector<std::string>& command, const std::filesystem::path& log,
             const std::filesystem::path& script, const std::string& tool);

// The whole file; Error "cannot read PATH".
std::string ReadText(const std::filesystem::path& path);

// Seconds since `since` (steady clock).
double Seconds(std::chrono::steady_clock::time_point since);

}  // namespace flexcim::synth
