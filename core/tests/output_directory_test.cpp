// core/output_directory and core/atomic_file under interrupts and full disks:
// the previous output stays intact byte for byte, leftovers of killed runs
// are cleaned, and a failed write is an error.
#include "core/output_directory.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <sstream>

#include "core/atomic_file.h"
#include "core/errors.h"

namespace flexcim {
namespace {

namespace fs = std::filesystem;

class Scratch {
 public:
  Scratch() : dir_(fs::temp_directory_path() / fmt::format("flexcim_outdir_test_{}", getpid())) {
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  ~Scratch() { fs::remove_all(dir_); }
  const fs::path& path() const { return dir_; }

 private:
  fs::path dir_;
};

std::map<std::string, std::string> Snapshot(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    files[fs::relative(e.path(), dir).string()] = s.str();
  }
  return files;
}

std::vector<std::string> Entries(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

void WriteTwoFiles(const fs::path& out, const std::string& text) {
  WriteOutputDirectory(out, "test", [&](const fs::path& staging) {
    WriteTextFile(staging / "a.txt", text);
    WriteTextFile(staging / "b.txt", text + text);
  });
}

TEST(OutputDirectory, InterruptedRunLeavesPreviousOutputAndIsCleanedUp) {
  Scratch s;
  const fs::path out = s.path() / "out";
  WriteTwoFiles(out, "first\n");
  const auto before = Snapshot(out);
  // A run killed (SIGKILL: no handler can run) in the middle of writing.
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    WriteOutputDirectory(out, "test", [](const fs::path& staging) {
      WriteTextFile(staging / "a.txt", "half");
      raise(SIGKILL);
    });
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(Snapshot(out), before);
  const std::string leftover = fmt::format(".out.tmp-{}-0", child);
  EXPECT_EQ(Entries(s.path()), (std::vector<std::string>{leftover, "out"}));
  // A swap killed between its two renames (file systems without
  // RENAME_EXCHANGE): no output, the previous one parked as ".old".
  fs::rename(out, s.path() / fmt::format(".out.old-{}-0", child));
  // The next run restores and then replaces it, and removes the leftovers.
  WriteTwoFiles(out, "second\n");
  EXPECT_EQ(Entries(s.path()), std::vector<std::string>{"out"});
  EXPECT_EQ(Snapshot(out).at("a.txt"), "second\n");
}

TEST(OutputDirectory, FailureInsideFillKeepsPreviousOutput) {
  Scratch s;
  const fs::path out = s.path() / "out";
  WriteTwoFiles(out, "first\n");
  const auto before = Snapshot(out);
  EXPECT_THROW(WriteOutputDirectory(out, "test",
                                    [](const fs::path& staging) {
                                      WriteTextFile(staging / "a.txt", "x");
                                      throw Error("boom");
                                    }),
               Error);
  EXPECT_EQ(Snapshot(out), before);
  EXPECT_EQ(Entries(s.path()), std::vector<std::string>{"out"});
}

TEST(OutputDirectory, MarkerRecordsTheKind) {
  Scratch s;
  WriteTwoFiles(s.path() / "out", "x");
  std::ifstream in(s.path() / "out" / kOutputMarkerFileName);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), "{\"format\": \"flexcim-output\", \"kind\": \"test\"}\n");
  try {
    WriteOutputDirectory(s.path() / "out", "other", [](const fs::path&) {});
    FAIL() << "replaced another kind's output";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              fmt::format("refusing to replace '{}': it holds the output of 'flexcim test', not of 'flexcim other'; "
                          "choose another directory or remove it",
                          (s.path() / "out").string()));
  }
}

TEST(AtomicFile, FullDiskIsAnError) {
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  try {
    WriteFileAtomically("/dev/full", "{}\n");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "/dev/full: write failed: No space left on device");
  }
  try {
    WriteTextFile("/dev/full", "{}\n");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "/dev/full: write failed: No space left on device");
  }
}

TEST(AtomicFile, DirectoryTargetIsRefusedAndLeftoversOfKilledWritersRemoved) {
  Scratch s;
  fs::create_directories(s.path() / "d");
  EXPECT_THROW(WriteFileAtomically(s.path() / "d", "x"), Error);
  // A temporary of a writer that no longer runs.
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) _exit(0);
  waitpid(child, nullptr, 0);
  std::ofstream(s.path() / fmt::format("f.json.tmp.{}", child)) << "half";
  WriteFileAtomically(s.path() / "f.json", "{}\n");
  EXPECT_EQ(Entries(s.path()), (std::vector<std::string>{"d", "f.json"}));
}

}  // namespace
}  // namespace flexcim
