#include "local_workers.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

#include "process_place.h"

namespace eddpm::cli {

namespace {


// A port nothing listens on now, for rank 0's store (torchrun --standalone does the same).
int free_local_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("cannot open a socket to find a free port: " + std::string(std::strerror(errno)));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
  ::close(fd);
  if (!ok) throw std::runtime_error("cannot find a free port: " + std::string(std::strerror(errno)));
  return ntohs(address.sin_port);
}

// This process's own arguments, as it was started: each worker runs the same command line.
std::vector<std::string> own_arguments() {
  std::ifstream file("/proc/self/cmdline", std::ios::binary);
  const std::string all((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  std::vector<std::string> args;
  for (size_t at = 0; at < all.size();) {
    const size_t end = all.find('\0', at);
    args.push_back(all.substr(at, end - at));
    at = end == std::string::npos ? all.size() : end + 1;
  }
  if (args.empty()) throw std::runtime_error("cannot read this program's arguments (/proc/self/cmdline)");
  args.erase(args.begin());  // the program, as it was named: /proc/self/exe is sure
  return args;
}

std::string this_program() {
  std::vector<char> path(4096);
  const ssize_t n = ::readlink("/proc/self/exe", path.data(), path.size() - 1);
  if (n <= 0) throw std::runtime_error("cannot find this program's path (/proc/self/exe)");
  return std::string(path.data(), size_t(n));
}

// The workers, for the signal handler: a stop asked of the launching process reaches every worker.
std::vector<pid_t> g_children;
void forward_signal(int signal) {
  for (pid_t pid : g_children)
    if (pid > 0) ::kill(pid, signal);
}

pid_t start_rank(const std::string& program, const std::vector<std::string>& command, const ProcessPlace& place,
                 int threads) {
  std::vector<std::string> args{program};
  args.insert(args.end(), command.begin(), command.end());
  std::vector<std::string> variables = process_place_variables(place);
  // Ranks on one machine share its cores: each takes its share unless the user fixed a count.
  if (!std::getenv("EDDPM_THREADS")) variables.push_back("EDDPM_THREADS=" + std::to_string(threads));
  if (!std::getenv("OMP_NUM_THREADS")) variables.push_back("OMP_NUM_THREADS=" + std::to_string(threads));
  // The child's environment: this one with the rank's variables in place of any of the same name.
  // Made before fork: between fork and exec only async-signal-safe calls (no allocation).
  std::vector<std::string> environment;
  for (char** e = environ; *e; ++e) {
    const std::string entry = *e;
    const std::string name = entry.substr(0, entry.find('='));
    const bool replaced = std::any_of(variables.begin(), variables.end(),
                                      [&](const std::string& v) { return v.compare(0, name.size() + 1, name + "=") == 0; });
    if (!replaced) environment.push_back(entry);
  }
  environment.insert(environment.end(), variables.begin(), variables.end());
  std::vector<char*> argv, envp;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (std::string& e : environment) envp.push_back(e.data());
  envp.push_back(nullptr);
  const std::string failure = "error: worker " + std::to_string(place.rank) + " could not start " + program + "\n";
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("cannot start worker " + std::to_string(place.rank) + ": " + std::strerror(errno));
  if (pid > 0) return pid;
  ::execve(program.c_str(), argv.data(), envp.data());
  (void)!::write(STDERR_FILENO, failure.data(), failure.size());
  ::_exit(127);
}

std::string exit_text(int status) {
  if (WIFEXITED(status)) return "exit code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return std::string("signal ") + strsignal(WTERMSIG(status));
  return "status " + std::to_string(status);
}

}  // namespace

int run_local_workers(int nproc) {
  const std::vector<std::string> command = own_arguments();
  const std::string program = this_program();
  ProcessPlace place;
  place.world_size = nproc;
  place.master_port = free_local_port();
  const int threads = std::max(1, int(std::thread::hardware_concurrency()) / nproc);
  std::cerr << "Starting " << nproc << " workers (c10d store at " << place.master_addr << ":" << place.master_port << ", "
            << threads << " CPU thread(s) each)\n";
  struct sigaction forward{};
  forward.sa_handler = forward_signal;
  ::sigaction(SIGINT, &forward, nullptr);
  ::sigaction(SIGTERM, &forward, nullptr);
  for (int rank = 0; rank < nproc; ++rank) {
    place.rank = place.local_rank = rank;
    g_children.push_back(start_rank(program, command, place, threads));
  }
  int result = 0;
  for (size_t running = g_children.size(); running > 0;) {
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, 0);
    if (pid < 0) {
      if (errno == EINTR) continue;
      break;
    }
    const auto child = std::find(g_children.begin(), g_children.end(), pid);
    if (child == g_children.end()) continue;
    const int rank = int(child - g_children.begin());
    *child = -1;
    --running;
    const bool failed = !WIFEXITED(status) || WEXITSTATUS(status) != 0;
    if (failed && result == 0) {
      result = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
      std::cerr << "error: worker " << rank << " ended with " << exit_text(status)
                << (running > 0 ? ": stopping the others" : "") << "\n";
      forward_signal(SIGTERM);
    }
  }
  return result;
}

}  // namespace eddpm::cli
