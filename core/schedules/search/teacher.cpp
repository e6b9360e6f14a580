#include "teacher.h"

#include <chrono>
#include <cstdlib>
#include <set>
#include <stdexcept>

#include <torch/torch.h>

#include "atomic_file.h"
#include "handcrafted_schedules.h"
#include "mask_semantics.h"
#include "rng.h"
#include "sampler.h"

namespace eddpm {

std::vector<int> teacher_grid(int T, int grid_points) {
  if (T < 2 || grid_points < 2) throw std::invalid_argument("a teacher grid needs T >= 2 and at least 2 points");
  const int G = std::min(grid_points, T);
  std::vector<int> grid;
  for (int g = 0; g < G; ++g) {
    const int t = int(std::nearbyint((T - 1) * (1.0 - double(g) / (G - 1))));
    if (grid.empty() || t < grid.back()) grid.push_back(t);
  }
  return grid;
}

Teacher run_teacher(const TrainedModel& run, const TeacherSettings& settings, const SearchHooks& hooks) {
  if (settings.samples < 1) throw std::invalid_argument("a teacher needs at least one sample");
  const auto start = std::chrono::steady_clock::now();
  const int T = run.noise.T();
  Teacher teacher;
  teacher.settings = settings;
  teacher.grid = teacher_grid(T, settings.grid_points);
  teacher.task = search_task(run, settings.samples, teacher_task_seed(settings));
  at::Generator noise_gen = make_cpu_generator(settings.seed);
  std::vector<int64_t> shape = run.model->sample_shape();
  shape.insert(shape.begin(), settings.samples);
  teacher.x_T = torch::randn(shape, noise_gen);

  const std::vector<int> chain = full_schedule(T);
  const std::vector<double> levels = kept_levels(run.noise, Semantics::Jump, chain);
  std::set<int> recorded(teacher.grid.begin(), teacher.grid.end());
  std::vector<torch::Tensor> states, x0_hats;
  SamplerOptions options;
  options.solver = settings.solver;
  options.cancel = hooks.cancel;
  if (run.data->is_image()) options.clip = 1.0;
  int done = 0;
  options.on_state = [&](int t, const torch::Tensor& x, const torch::Tensor& x0_hat) {
    if (recorded.count(t)) {
      states.push_back(x.cpu());
      x0_hats.push_back(x0_hat.cpu());
    }
    if (++done % 10 == 0 || done == T)
      hooks.report(double(done) / T, "teacher: " + std::to_string(done) + " of " + std::to_string(T) + " steps");
  };
  at::Generator step_gen = make_generator(run.device, settings.seed + 1);
  torch::NoGradGuard no_grad;
  teacher.result = sample_chain(*teacher.task.run.model, chain, levels, teacher.x_T.to(run.device), options, step_gen).cpu();
  teacher.states = torch::stack(states);
  teacher.x0_hats = torch::stack(x0_hats);
  teacher.seconds = seconds_since(start);
  return teacher;
}

std::filesystem::path default_teacher_cache() {
  if (const char* dir = std::getenv("EDDPM_CACHE_DIR"); dir && *dir) return std::filesystem::path(dir) / "teachers";
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
    return std::filesystem::path(xdg) / "eddpm" / "teachers";
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home && *home ? home : ".") / ".cache" / "eddpm" / "teachers";
}

namespace {

std::filesystem::path cache_file(const std::filesystem::path& dir, const std::string& sha, const TeacherSettings& s) {
  std::string solver = s.solver.name();
  if (s.solver.eta > 0) solver += "-eta" + std::to_string(s.solver.eta);
  return dir / (sha.substr(0, 16) + "-" + solver + "-n" + std::to_string(s.samples) + "-g" +
                std::to_string(s.grid_points) + "-s" + std::to_string(s.seed) + ".pt");
}

}  // namespace

Teacher cached_teacher(const TrainedModel& run, const std::string& checkpoint_sha256, const TeacherSettings& settings,
                       const std::filesystem::path& cache_dir, const SearchHooks& hooks) {
  if (cache_dir.empty() || checkpoint_sha256.empty()) return run_teacher(run, settings, hooks);
  const std::filesystem::path path = cache_file(cache_dir, checkpoint_sha256, settings);
  if (std::filesystem::exists(path)) {
    try {
      std::vector<torch::Tensor> parts;
      torch::load(parts, path.string());
      if (parts.size() == 5) {
        Teacher teacher;
        teacher.settings = settings;
        const torch::Tensor grid = parts[0].to(torch::kLong);
        for (int64_t g = 0; g < grid.size(0); ++g) teacher.grid.push_back(int(grid[g].item<int64_t>()));
        teacher.x_T = parts[1];
        teacher.states = parts[2];
        teacher.x0_hats = parts[3];
        teacher.result = parts[4];
        teacher.task = search_task(run, settings.samples, teacher_task_seed(settings));
        if (teacher.grid == teacher_grid(run.noise.T(), settings.grid_points) &&
            teacher.states.size(0) == int64_t(teacher.grid.size())) {
          hooks.report(1.0, "teacher: from the cache");
          return teacher;
        }
      }
    } catch (const std::exception&) {
      // A cut or foreign file: run the teacher again and replace it.
    }
  }
  Teacher teacher = run_teacher(run, settings, hooks);
  std::filesystem::create_directories(cache_dir);
  std::vector<int64_t> grid(teacher.grid.begin(), teacher.grid.end());
  const std::vector<torch::Tensor> parts = {torch::tensor(grid, torch::kLong), teacher.x_T, teacher.states,
                                            teacher.x0_hats, teacher.result};
  write_atomically(path, [&](const std::filesystem::path& temporary) { torch::save(parts, temporary.string()); });
  return teacher;
}

}  // namespace eddpm
