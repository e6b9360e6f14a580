#include "eddpm_trainer.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "checkpoint.h"
#include "conditional_eps_model.h"
#include "fd_lenet.h"
#include "mask_gradient.h"
#include "mnist_files.h"
#include "mask_semantics.h"
#include "mask_settling.h"
#include "handcrafted_schedules.h"
#include "imputation_masks.h"
#include "model_factory.h"
#include "rng.h"
#include "schedule_factory.h"

namespace eddpm {

namespace {
// Time series: imputations per window in a rollout pool (CRPS reads their spread).
constexpr int64_t kRolloutImputations = 8;

torch::Tensor to_tensor(const std::vector<double>& v, const c10::Device& device) {
  return torch::tensor(v, torch::kFloat64).to(device);
}

std::vector<double> to_vector(const torch::Tensor& t) {
  const torch::Tensor c = t.to(torch::kCPU, torch::kFloat64).contiguous();
  return {c.data_ptr<double>(), c.data_ptr<double>() + c.numel()};
}
}  // namespace

EddpmTrainer::EddpmTrainer(const TrainConfig& config, const c10::Device& device, DatasetPtr data,
                           std::shared_ptr<Collective> group)
    : group_(group ? std::move(group) : std::make_shared<Collective>()),
      data_gen_(make_cpu_generator(config.seed)),
      device_gen_(make_training_generator(device, config.seed + 1)) {
  if (group_->distributed() && config.batch % group_->size() != 0)
    throw std::invalid_argument("--batch " + std::to_string(config.batch) + " is the global batch: it must split evenly over " +
                                std::to_string(group_->size()) + " workers");
  trained_.config = config;
  trained_.noise = NoiseSchedule(config.beta);
  trained_.device = device;
  trained_.data = data ? std::move(data) : make_dataset(config);
  validate(trained_.config);
  const double gamma_initial = double(trained_.config.initial_budget_steps()) / trained_.noise.T();
  // Under the exact rule the final budget is K itself, not keep * T, which need not be whole.
  const double gamma_final = trained_.config.budget_rule == BudgetRule::Exact ? double(trained_.config.steps_kept()) / trained_.noise.T()
                                                                       : trained_.config.keep;
  ramp_ = {trained_.config.warmup_iters(), trained_.config.ramp_end_iters(), std::min(gamma_final, gamma_initial), gamma_initial};
  {
    const DefaultGeneratorScope initialization(torch::kCPU, trained_.config.seed);  // LibTorch initializes from it
    std::shared_ptr<EpsModel> model = make_model(trained_.config, trained_.data->sample_shape(), trained_.device);
    std::shared_ptr<EpsModel> ema_model;
    if (trained_.config.keeps_weights_ema())
      ema_model = make_model(trained_.config, trained_.data->sample_shape(), trained_.device);
    model_update_ = std::make_unique<ModelUpdate>(std::move(model), std::move(ema_model), trained_.config.lr,
                                                  trained_.config.grad_clip, trained_.config.weights_ema);
  }
  trained_.model = model_update_->sampling_model();
  if (group_->distributed()) {
    // The same seed made the same weights everywhere; rank 0's are sent anyway, so that no rank
    // starts from weights another does not have.
    torch::NoGradGuard no_grad;
    group_->broadcast(model_update_->model().parameters());
    model_update_->restart_weights_ema();
    model_update_->average_gradients_over(group_.get());
  }
  betas_ = to_tensor(trained_.noise.betas(), trained_.device);
  alpha_bars_ = to_tensor(trained_.noise.alpha_bars(), trained_.device);
  s_ = torch::ones({trained_.noise.T()}, torch::TensorOptions().dtype(torch::kFloat64).device(trained_.device));
  if (gamma_initial < 1.0) {  // start inside the initial budget: the projection of s = 1 onto it
    const int64_t free_steps = trained_.config.pin_last ? trained_.noise.T() - 1 : trained_.noise.T();
    const double spare = double(trained_.config.initial_budget_steps()) - (trained_.config.pin_last ? 1.0 : 0.0);
    s_.slice(0, 0, free_steps).copy_(project_to_budget(s_.slice(0, 0, free_steps), std::max(0.0, spare)));
  }
  if (trained_.config.rollout_reward()) {
    ChainSpec chain{&trained_.noise, trained_.config.semantics, std::nullopt, trained_.config.solver};
    if (trained_.data->is_image()) chain.clip = 1.0;
    rollout_ = std::make_unique<RolloutReward>(
        trained_.config.reward == Reward::Fidelity ? RolloutKind::Fidelity : RolloutKind::Data, chain);
    const auto mnist_dir = mnist_dir_of(trained_.config.data);
    if (trained_.config.reward == Reward::Data && mnist_dir) {  // digits are compared in FD-LeNet's features
      auto lenet = std::make_shared<FdLenet>(*mnist_dir, trained_.config.image_size(), trained_.device);
      rollout_->set_features([lenet](const torch::Tensor& images) { return lenet->features(images); });
    }
  }
  plan_ = choose_step_plan(trained_.config, trained_.device);
  // The device step keeps its update on the device without host reads; the collectives sit between
  // its parts, so ranks run the plain step.
  if (group_->distributed()) plan_.device_step = false;
  ema_ = torch::zeros({}, s_.options());
  loss_sum_ = torch::zeros({}, s_.options());
  reward_sum_ = torch::zeros({}, s_.options());
  set_settle_target({});  // allocates the indicator's buffer, which a captured graph reads
}

void EddpmTrainer::set_total_iters(int64_t iters) {
  if (iters < 1) throw std::invalid_argument("iters must be at least 1");
  trained_.config.iters = iters;
}

void EddpmTrainer::refit_iters(int64_t iters) {
  set_total_iters(iters);
  ramp_.warmup = trained_.config.warmup_iters();
  ramp_.ramp_end = std::max<long>(ramp_.warmup + 1, trained_.config.ramp_end_iters());
}

void EddpmTrainer::set_mask_learning_rate(double lr_s) {
  if (!(lr_s >= 0.0)) throw std::invalid_argument("the mask learning rate must be >= 0");
  trained_.config.lr_s = lr_s;
}

void EddpmTrainer::set_model_learning_rate(double lr) {
  if (!(lr >= 0.0)) throw std::invalid_argument("the model learning rate must be >= 0");
  trained_.config.lr = lr;
  model_update_->set_learning_rate(lr);
}

void EddpmTrainer::set_steps_kept(int K) {
  if (K < 1 || K > trained_.noise.T()) throw std::invalid_argument("K must be in [1, T]");
  if (K != trained_.config.steps_kept()) graphed_.reset();  // a captured step holds K in its top-K: capture again
  trained_.config.keep = double(K) / trained_.noise.T();
  ramp_.gamma_final = trained_.config.keep;
  if (!settle_target_.empty() && int(settle_target_.size()) != K) set_settle_target({});
}

void EddpmTrainer::set_settle_target(const std::vector<int>& timesteps) {
  const int T = trained_.noise.T();
  std::vector<int> target = timesteps;
  std::sort(target.rbegin(), target.rend());
  if (!target.empty()) {
    if (int(target.size()) != trained_.config.steps_kept())
      throw std::invalid_argument("a settle target needs K = " + std::to_string(trained_.config.steps_kept()) + " steps, not " +
                                  std::to_string(target.size()));
    if (target.back() < 0 || target.front() >= T) throw std::invalid_argument("settle target outside [0, T)");
    if (std::adjacent_find(target.begin(), target.end()) != target.end())
      throw std::invalid_argument("settle target repeats a step");
    if (trained_.config.pin_last && target.front() != T - 1)
      throw std::invalid_argument("settle target drops the pinned last step");
  }
  torch::Tensor indicator = torch::zeros({T}, torch::kFloat64);
  for (int t : target) indicator[t] = 1.0;
  if (group_->distributed()) {  // each rank measured its own candidates: rank 0's choice holds
    group_->broadcast({indicator});
    target.clear();
    const auto kept = indicator.accessor<double, 1>();
    for (int t = T - 1; t >= 0; --t)
      if (kept[t] > 0.5) target.push_back(t);
  }
  settle_target_ = target;
  settle_target_set_at_ = iteration_;
  if (settle_indicator_.defined())
    settle_indicator_.copy_(indicator);  // in place: a captured CUDA graph reads this buffer
  else
    settle_indicator_ = indicator.to(trained_.device);
}

int64_t EddpmTrainer::settle_recheck_iteration() const {
  return ramp_.ramp_end + std::max<int64_t>(0, trained_.config.iters - ramp_.ramp_end) * 3 / 4;
}

bool EddpmTrainer::wants_settle_target() const {
  // A full chain (K = T) has nothing to choose.
  if (!trained_.config.settle || trained_.config.settle_to != SettleTo::BestMeasured || trained_.config.steps_kept() >= trained_.noise.T() ||
      iteration_ >= trained_.config.iters)
    return false;
  if (settle_target_.empty()) return iteration_ >= ramp_.ramp_end;
  const int64_t recheck = settle_recheck_iteration();
  return settle_target_set_at_ < recheck && iteration_ >= recheck;
}

MaskDraw EddpmTrainer::draw_training_masks(bool need_elbo) {
  if (plan_.fused_draw) {
    MaskDraw draw = draw_masks_fused(s_, trained_.config.batch, trained_.config.pin_last, trained_.noise, trained_.config.semantics,
                                     device_gen_, mask_buffer_);
    mask_buffer_ = draw.masks;
    return draw;
  }
  MaskDraw draw;
  draw.masks = draw_masks(s_, trained_.config.per_example_masks ? trained_.config.batch : 1, trained_.config.pin_last, device_gen_);
  const torch::Tensor rows = draw.masks.expand({trained_.config.batch, trained_.noise.T()});
  const torch::Tensor t = pick_kept_timesteps(rows, device_gen_);
  const torch::Tensor levels = levels_under_masks(rows, betas_, alpha_bars_, trained_.config.semantics);
  if (need_elbo) {
    draw.at = kept_levels_at(rows, levels, t);
  } else {
    draw.at.t = t;
    draw.at.level_t = levels.gather(1, t.unsqueeze(1)).squeeze(1);
  }
  return draw;
}

torch::Tensor EddpmTrainer::model_loss_and_reward(const torch::Tensor& x0, const KeptLevels& at,
                                                  bool need_elbo, torch::Tensor& rewards) {
  std::vector<int64_t> view(x0.dim(), 1);
  view[0] = -1;
  const torch::Tensor a = at.level_t.to(torch::kFloat32).view(view);
  const torch::Tensor eps = torch::randn(x0.sizes(), device_gen_, x0.options());
  // Data-parallel: every rank drew the whole global batch from the same streams (the numbers one
  // process draws); the network sees this rank's rows only, and the rewards are everyone's.
  const RowShare share = row_share(x0.size(0));
  const auto mine = [&](const torch::Tensor& t) { return t.narrow(0, share.first, share.count); };
  torch::Tensor mse_model;  // float32, per example of this rank's rows
  torch::Tensor clean = x0;
  if (auto* conditional = dynamic_cast<ConditionalEpsModel*>(&model_update_->model())) {
    // Imputation (CSDI): a random share of each window's observed values becomes the targets; the
    // rest enter clean as the condition, and only the targets' noise is predicted and scored.
    const torch::Tensor observed = observed_mask(x0);
    const torch::Tensor condition = random_condition(observed, device_gen_);
    const torch::Tensor target = mine(observed - condition).reshape({share.count, -1});
    clean = torch::nan_to_num(x0, 0.0);
    const torch::Tensor x_t = torch::sqrt(a) * clean + torch::sqrt(1.0 - a) * eps;
    const torch::Tensor eps_hat = conditional->forward_conditional(mine(x_t), mine(at.t), mine(clean), mine(condition));
    const torch::Tensor error = (mine(eps) - eps_hat).pow(2).reshape({share.count, -1}) * target;
    mse_model = error.sum(1) / target.sum(1).clamp_min(1.0);
  } else {
    const torch::Tensor x_t = torch::sqrt(a) * x0 + torch::sqrt(1.0 - a) * eps;
    const torch::Tensor eps_hat = model_update_->model().forward(mine(x_t), mine(at.t));
    mse_model = (mine(eps) - eps_hat).pow(2).reshape({share.count, -1}).mean(1);
  }
  const torch::Tensor mse = gather_shares(mse_model.detach().to(torch::kFloat64), x0.size(0));

  ElboTerms elbo;
  if (need_elbo) elbo = elbo_terms(at, clean, trained_.config.sigma0);
  rewards = trained_.config.reward == Reward::Elbo ? (elbo.jump_weight * mse + elbo.prior) : mse;
  // The unweighted loss stays in the model's precision: no float64 round trip in the graph.
  return trained_.config.loss_weight == Weighting::Elbo ? mine(elbo.jump_weight) * mse_model.to(torch::kFloat64) : mse_model;
}

MaskUpdateValues EddpmTrainer::mask_update_values() const {
  MaskUpdateValues values;
  values.lr_s = trained_.config.lr_s;
  values.budget = ramp_.gamma(iteration_) * trained_.noise.T();
  values.learns = iteration_ >= ramp_.warmup;
  values.settle_rate = trained_.config.settle ? settle_rate(iteration_, ramp_.ramp_end, trained_.config.iters) : 0.0;
  values.to_target = !settle_target_.empty();
  return values;
}

void EddpmTrainer::apply_mask_update(const torch::Tensor& masks, const torch::Tensor& rewards) {
  const MaskUpdateValues values = mask_update_values();
  if (plan_.host_mask_update) {
    update_mask_on_host(MaskUpdateRule::of(trained_.config), s_, masks, rewards, ema_.item<double>(), values, settle_target_);
    return;
  }
  if (!mask_values_.defined()) mask_values_ = torch::empty({MaskValue::count}, s_.options());
  auto host = mask_value_array(values);
  values_copy_.copy(torch::from_blob(host.data(), {MaskValue::count}, torch::kFloat64), mask_values_);
  s_ = eddpm::update_mask(MaskUpdateRule::of(trained_.config), s_, masks, rewards, ema_, mask_values_, settle_indicator_);
}

torch::Tensor EddpmTrainer::update_mask_by_rollouts() {
  const int64_t refresh = trained_.config.refresh_interval();
  if (!rollout_->ready() || (refresh > 0 && iteration_ % refresh == 0)) {
    int64_t pool = trained_.config.pool;
    if (trained_.data->is_series()) {
      // Time series: pool / kRolloutImputations training windows, each imputed that many times, with
      // 10% of their observed values hidden (the evaluation's share) for this pool's lifetime.
      const int64_t windows = std::max<int64_t>(1, pool / kRolloutImputations);
      pool = windows * kRolloutImputations;
      const torch::Tensor batch = trained_.data->sample(windows, data_gen_);
      const torch::Tensor observed = observed_mask(batch);
      const torch::Tensor target = hide_share(observed, torch::full({windows}, kHiddenShare), data_gen_);
      rollout_->set_imputation(batch.to(trained_.device), (observed - target).to(trained_.device),
                               target.to(trained_.device), kRolloutImputations);
    }
    rollout_->refresh(sampling_model(), pool, trained_.data->sample_shape(), trained_.device, device_gen_);
  }
  torch::Tensor data_batch;  // its own stream: drawn before or after the masks, the same numbers
  if (trained_.config.reward == Reward::Data && !trained_.data->is_series())  // series score their pool's windows
    data_batch = trained_.data->sample(trained_.config.pool, data_gen_).to(trained_.device);
  // The start comes before this iteration's masks, which must be drawn from the s they update.
  if (trained_.config.mask_start == MaskStart::BestHandcrafted && iteration_ == ramp_.warmup)
    start_mask_from_best_handcrafted(data_batch);
  const torch::Tensor masks = draw_masks(s_, trained_.config.masks_per_iter, trained_.config.pin_last, device_gen_);
  const torch::Tensor rewards = rollout_rewards(masks, data_batch);
  apply_mask_update(masks, rewards);
  return rewards;
}

void EddpmTrainer::add_start_proposals(std::vector<std::vector<int>> proposals) {
  for (auto& steps : proposals) start_proposals_.push_back(std::move(steps));
}

void EddpmTrainer::start_mask_from_best_handcrafted(const torch::Tensor& data_batch) {
  const int T = trained_.noise.T(), K = trained_.config.steps_kept();
  at::Generator gen = make_cpu_generator(trained_.config.seed + 2);  // ELBO-DP's errors; not a training stream
  std::vector<std::vector<int>> candidates;
  const auto add = [&](std::vector<int> steps) {
    if (steps.empty() || int(steps.size()) > K || steps.front() >= T || steps.back() < 0) return;
    if (trained_.config.pin_last && steps.front() != T - 1) {  // the pinned step is kept whatever the proposal says
      steps.insert(steps.begin(), T - 1);
      if (int(steps.size()) > K) steps.pop_back();
    }
    candidates.push_back(std::move(steps));
  };
  const TrainedModel& run = trained();  // one read of the mask for every family
  for (ScheduleKind kind : handcrafted_kinds()) add(make_schedule(kind, K, run, gen));
  for (const std::vector<int>& steps : start_proposals_) add(steps);
  torch::Tensor masks = torch::zeros({int64_t(candidates.size()), T}, torch::kFloat64);  // filled on the host
  auto rows = masks.accessor<double, 2>();
  for (size_t i = 0; i < candidates.size(); ++i)
    for (int t : candidates[i]) rows[int64_t(i)][t] = 1.0;
  masks = masks.to(trained_.device);
  group_->broadcast({masks});  // rank 0's candidates: ELBO-DP's errors may differ in their last bits
  const int64_t best = rollout_rewards(masks, data_batch).argmin().item<int64_t>();
  const int64_t kept_count = int64_t(candidates[size_t(best)].size());
  const double budget = ramp_.gamma(iteration_) * T;
  const double spare = std::max(0.0, budget - double(kept_count)) / double(std::max<int64_t>(1, T - kept_count));
  const torch::Tensor kept = masks[best];
  s_ = torch::where(kept > 0.5, torch::ones_like(kept), torch::full_like(kept, std::min(1.0, spare)));
}

EddpmTrainer::Forward EddpmTrainer::forward(const torch::Tensor& x0) {
  const bool need_elbo = trained_.config.loss_weight == Weighting::Elbo || trained_.config.reward == Reward::Elbo;
  Forward f;
  f.draw = draw_training_masks(need_elbo);
  f.mean_loss = model_loss_and_reward(x0, f.draw.at, need_elbo, f.rewards).mean();
  return f;
}

void EddpmTrainer::step() {
  if (plan_.device_step) step_on_device();
  else step_on_host();
}

void EddpmTrainer::step_on_host() {
  torch::AutoGradMode grad_mode(!trained_.config.freeze_model);  // callers may hold a NoGradGuard
  Forward f = forward(trained_.data->sample(trained_.config.batch, data_gen_).to(trained_.device));
  const MaskDraw& draw = f.draw;
  torch::Tensor& rewards = f.rewards;
  const torch::Tensor& mean_loss = f.mean_loss;
  if (!trained_.config.freeze_model) model_update_->minimize(mean_loss.to(torch::kFloat32), iteration_);
  if (rollout_) {
    if (iteration_ >= ramp_.warmup) rewards = update_mask_by_rollouts();
    else rewards = torch::zeros({1}, s_.options());
  } else if (iteration_ >= ramp_.warmup) {
    apply_mask_update(draw.masks, rewards);
  }
  // Each rank made the same update from the same numbers; rank 0's s is sent all the same, so a
  // last-bit difference (another thread count's sums) can never grow into two masks.
  if (group_->distributed() && iteration_ >= ramp_.warmup) group_->broadcast({s_});
  const torch::Tensor mean_reward = rewards.mean();
  ema_ = trained_.config.ema_decay * ema_ + (1.0 - trained_.config.ema_decay) * mean_reward;
  loss_sum_ += mean_loss.detach();
  reward_sum_ += mean_reward;
  ++accumulated_;
  ++iteration_;
}

EddpmTrainer::RowShare EddpmTrainer::row_share(int64_t rows) const {
  const int64_t each = (rows + group_->size() - 1) / group_->size();
  const int64_t first = std::min(rows, each * group_->rank());
  return {first, std::min(each, rows - first), each};
}

torch::Tensor EddpmTrainer::gather_shares(const torch::Tensor& mine, int64_t rows) {
  if (!group_->distributed()) return mine;
  const RowShare share = row_share(rows);
  torch::Tensor padded = mine;
  if (share.count < share.each) {  // the last ranks' shares are short: all-gather takes equal shapes
    std::vector<int64_t> shape = mine.sizes().vec();
    shape[0] = share.each - share.count;
    padded = torch::cat({mine, torch::zeros(shape, mine.options())});
  }
  return group_->gather_rows(padded.contiguous()).narrow(0, 0, rows);
}

torch::Tensor EddpmTrainer::rollout_rewards(const torch::Tensor& masks, const torch::Tensor& data_batch) {
  const RowShare share = row_share(masks.size(0));
  const torch::Tensor mine = share.count > 0 ? rollout_->rewards(sampling_model(), masks.narrow(0, share.first, share.count), data_batch)
                                             : torch::zeros({0}, s_.options());
  return gather_shares(mine, masks.size(0));
}

std::vector<double> EddpmTrainer::mask_probabilities() const { return to_vector(s_); }

const TrainedModel& EddpmTrainer::trained() {
  trained_.mask = mask_probabilities();
  trained_.iteration = iteration_;
  return trained_;
}

TrainSnapshot EddpmTrainer::take_snapshot() {
  TrainSnapshot snap;
  snap.iteration = iteration_;
  group_->average({loss_sum_});  // every rank's own batches: the loss of all of them
  const double n = std::max<int64_t>(1, accumulated_);
  snap.loss = loss_sum_.item<double>() / n;
  snap.reward = reward_sum_.item<double>() / n;
  snap.baseline = ema_.item<double>();
  loss_sum_.zero_();
  reward_sum_.zero_();
  accumulated_ = 0;
  snap.gamma = ramp_.gamma(iteration_);
  snap.budget = snap.gamma * trained_.noise.T();
  snap.s = mask_probabilities();
  const int K = trained_.config.steps_kept();
  snap.stats = mask_stats(snap.s, K);
  snap.learned = top_k_timesteps(snap.s, K);
  snap.terminal_level = terminal_level(trained_.noise, trained_.config.semantics, snap.learned);
  return snap;
}

void EddpmTrainer::save_state(torch::serialize::OutputArchive& archive) const {
  model_update_->save(archive);
  archive.write("s", s_.cpu());
  archive.write("ema", ema_.cpu());
  archive.write("iteration", torch::tensor(iteration_, torch::kLong));
  // The log window in progress: a run stopped between two log points resumes to the same next row.
  archive.write("window_loss_sum", loss_sum_.cpu());
  archive.write("window_reward_sum", reward_sum_.cpu());
  archive.write("window_iterations", torch::tensor(accumulated_, torch::kLong));
  archive.write("rng_data", generator_state(data_gen_));
  archive.write("rng_device", generator_state(device_gen_).cpu());
  if (!settle_target_.empty()) {
    archive.write("settle_target", torch::tensor(std::vector<int64_t>(settle_target_.begin(), settle_target_.end())));
    archive.write("settle_target_set_at", torch::tensor(settle_target_set_at_, torch::kLong));
  }
  if (rollout_ && rollout_->ready()) {
    archive.write("pool_x_T", rollout_->starting_noise().cpu());
    if (rollout_->reference().defined()) archive.write("pool_reference", rollout_->reference().cpu());
  }
}

void EddpmTrainer::load_state(torch::serialize::InputArchive& archive) {
  model_update_->load(archive, trained_.device);
  torch::Tensor ema, rng_data, rng_device;
  const torch::Tensor s64 = read_mask(archive, trained_.noise.T());
  archive.read("ema", ema);
  if (ema.numel() != 1 || !std::isfinite(ema.to(torch::kFloat64).item<double>()))
    throw std::invalid_argument("the reward baseline is not one finite number");
  s_ = s64.to(trained_.device);
  ema_ = ema.to(trained_.device, torch::kFloat64);
  iteration_ = read_iteration(archive);
  torch::Tensor window_loss, window_reward, window_iterations;
  if (archive.try_read("window_iterations", window_iterations)) {  // checkpoints before it had none
    archive.read("window_loss_sum", window_loss);
    archive.read("window_reward_sum", window_reward);
    if (window_iterations.numel() != 1 || window_loss.numel() != 1 || window_reward.numel() != 1 ||
        window_iterations.item<int64_t>() < 0 || window_iterations.item<int64_t>() > iteration_)
      throw std::invalid_argument("the log window's sums are not a count and two numbers");
    loss_sum_ = window_loss.reshape({}).to(loss_sum_.options());
    reward_sum_ = window_reward.reshape({}).to(reward_sum_.options());
    accumulated_ = window_iterations.item<int64_t>();
  }
  torch::Tensor settle_target;
  if (archive.try_read("settle_target", settle_target)) {
    const torch::Tensor steps = settle_target.to(torch::kCPU, torch::kLong).contiguous();
    set_settle_target(std::vector<int>(steps.data_ptr<int64_t>(), steps.data_ptr<int64_t>() + steps.numel()));
    // Checkpoints before the recheck have no iteration: their target was chosen at the ramp's end.
    torch::Tensor set_at;
    const bool has_set_at = archive.try_read("settle_target_set_at", set_at);
    if (has_set_at && set_at.numel() != 1) throw std::invalid_argument("the settle target's iteration is not one number");
    settle_target_set_at_ = has_set_at ? set_at.item<int64_t>() : ramp_.ramp_end;
  } else {
    set_settle_target({});
  }
  archive.read("rng_data", rng_data);
  set_generator_state(data_gen_, rng_data);
  archive.read("rng_device", rng_device);
  torch::Tensor pool_x_T, pool_reference;
  // A time-series pool's windows are not saved: it is drawn again.
  if (rollout_ && !trained_.data->is_series() && archive.try_read("pool_x_T", pool_x_T)) {
    archive.try_read("pool_reference", pool_reference);
    rollout_->set_pool(pool_x_T.to(trained_.device), pool_reference.defined() ? pool_reference.to(trained_.device) : pool_reference);
  }
  graphed_.reset();  // bound to the optimizer state and tensors just replaced
  try {
    set_generator_state(device_gen_, rng_device);
  } catch (const c10::Error&) {
    // Saved on another kind of device: the device stream restarts from the seed.
  }
}

}  // namespace eddpm
