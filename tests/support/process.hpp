#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace delvex::testing {

/// The real `delvex` binary started as a child process, its stderr going to a file.
/// What a shell command printed (stdout and stderr together, when the command says 2>&1) and its exit code
/// (-1 if it did not exit normally). Commands are expected to bound their own time (e.g. `timeout 60`).
struct CommandRun {
    int code = -1;
    std::string output;
};
CommandRun run_command(const std::string& shell_command);

/// Runs the delvex binary under test with `args` (a shell fragment) and `env` ("NAME=value …" prefix).
CommandRun run_delvex(const std::string& args, const std::string& env = {});

class ChildProcess {
public:
    ChildProcess(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
                 const std::string& log_path);
    ~ChildProcess();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    pid_t pid() const { return pid_; }
    /// Sends a signal (SIGKILL for a crash, SIGTERM for a graceful stop).
    void signal(int signo);
    /// Waits for the exit, up to `deadline`; returns the exit status, or -1 on timeout (then kills it).
    int wait(std::chrono::milliseconds deadline);

private:
    pid_t pid_ = -1;
};

/// Waits until `log_path` has a "listening on HOST:PORT" line and returns the port (0 on timeout).
std::uint16_t wait_for_listen_port(const std::string& log_path, std::chrono::milliseconds deadline);

}  // namespace delvex::testing
