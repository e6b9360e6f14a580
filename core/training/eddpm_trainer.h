#pragma once
// The EDDPM trainer (spec sections 4-6): one call to step() is one iteration of Algorithm 1.
// Not thread-safe: one thread drives a trainer; snapshots are plain values to hand elsewhere.
#include <memory>
#include <vector>

#include <torch/serialize/archive.h>
#include <torch/types.h>

#include "budget_projection.h"
#include "collective.h"
#include "dataset.h"
#include "eps_model.h"
#include "fused_mask_draw.h"
#include "graphed_step.h"
#include "learned_schedule.h"
#include "mask_update.h"
#include "model_update.h"
#include "noise_schedule.h"
#include "rollout_reward.h"
#include "staged_copy.h"
#include "step_plan.h"
#include "train_config.h"
#include "trained_model.h"

namespace eddpm {

struct TrainSnapshot {
  int64_t iteration = 0;
  double loss = 0.0;      // mean model loss since the last snapshot
  double reward = 0.0;    // mean reward R since the last snapshot
  double baseline = 0.0;  // the EMA of R (the baseline in "ema" mode)
  double gamma = 1.0;
  double budget = 0.0;    // K_e
  MaskStats stats;
  double terminal_level = 0.0;  // a_T(m) of the learned schedule's mask
  std::vector<int> learned;     // top-K timesteps, descending
  std::vector<double> s;        // mask probabilities, 0-based timestep order
};

class EddpmTrainer {
 public:
  // Builds the model, optimizer and mask for a validated config on `device`. The data set is
  // loaded from the config unless one is given (callers that already hold it).
  // Data-parallel training (`group` of several ranks, each process with a trainer of the same
  // config): every rank draws what a single process draws, from the same streams, and computes its
  // share of it: its rows of the global batch (config.batch, which must split evenly), its share of
  // a rollout's masks. Gradients are averaged and rewards gathered, so weights and s stay the same on
  // every rank and a step is the one a single process takes, up to the order of the sums. Every rank
  // must call step(), take_snapshot() and set_settle_target() alike.
  EddpmTrainer(const TrainConfig& config, const c10::Device& device, DatasetPtr data = nullptr,
               std::shared_ptr<Collective> group = nullptr);

  void step();
  // Reads the device once: averages since the last snapshot, then resets them.
  TrainSnapshot take_snapshot();

  int64_t iteration() const { return iteration_; }
  // The ranks training together (one, unless a group was given); rank 0 writes the run folder.
  Collective& group() { return *group_; }
  int rank() const { return group_->rank(); }
  const TrainConfig& config() const { return trained_.config; }
  const NoiseSchedule& noise() const { return trained_.noise; }
  const c10::Device& device() const { return trained_.device; }
  // The model as trained so far, for sampling, measuring and schedule search between iterations:
  // its mask and iteration are read here (a device read). It shares this trainer's weights.
  const TrainedModel& trained();
  // The weights training updates.
  EpsModel& model() { return model_update_->model(); }
  // The weights to sample and measure with: the EMA of the weights where the config keeps one
  // (weights_ema), else the trained weights themselves.
  EpsModel& sampling_model() { return *trained_.model; }
  bool keeps_weights_ema() const { return model_update_->keeps_weights_ema(); }
  // Sets the EMA to the weights as they are now (after weights were copied in from elsewhere).
  void restart_weights_ema() { model_update_->restart_weights_ema(); }
  // The rollout reward's scorer (fidelity, data), or null for loss rewards.
  const RolloutReward* rollout() const { return rollout_.get(); }
  const Dataset& data() const { return *trained_.data; }
  DatasetPtr data_ptr() const { return trained_.data; }
  std::vector<double> mask_probabilities() const;
  // How iterations run (step_plan.h), whether the device step is being replayed from a CUDA graph,
  // and why its capture was given up (empty if it was not).
  const StepPlan& plan() const { return plan_; }
  bool uses_device_step() const { return plan_.device_step; }
  bool replaying_graph() const { return graphed_ && graphed_->replaying(); }
  std::string graph_error() const { return graphed_ ? graphed_->capture_error() : std::string(); }

  // Continue for a total of `iters` iterations (the ramp keeps its absolute i1, i2).
  void set_total_iters(int64_t iters);
  // A run whose length is known only once it has started (a mask search fitted to a time budget):
  // `iters` iterations in all, and the ramp's i1, i2 where the config puts them in that many (its
  // fractions, 20% and 80%, where it names none), so the ramp ends inside the run.
  void refit_iters(int64_t iters);
  // Steps other searches proposed (descending timesteps, K or fewer each): with MaskStart::BestHandcrafted
  // the mask starts from the best of them and the families, scored by the run's rollout reward.
  void add_start_proposals(std::vector<std::vector<int>> proposals);
  const std::vector<std::vector<int>>& start_proposals() const { return start_proposals_; }
  // Live changes between iterations: the mask's learning rate and the final number of kept steps.
  void set_mask_learning_rate(double lr_s);
  void set_model_learning_rate(double lr);
  void set_steps_kept(int K);  // a settle target of another K is dropped

  // Settling's target: the K 0-based timesteps s is pulled toward from the ramp's end (empty: s's
  // own top K). Kept in the checkpoint with the iteration it was set at. Throws
  // std::invalid_argument unless the steps are K distinct timesteps in [0, T) that keep the last one
  // where the config pins it.
  void set_settle_target(const std::vector<int>& timesteps);
  const std::vector<int>& settle_target() const { return settle_target_; }
  int64_t settle_target_set_at() const { return settle_target_set_at_; }
  // best-measured settling measures its candidates again here, three quarters of the way from the
  // ramp's end to the last iteration: the model trained on after the first choice, and a choice
  // made on the model it ends with is the one the verdict and the user sample.
  int64_t settle_recheck_iteration() const;
  // Whether the training loop should measure the candidates (settle_target.h) and set a target
  // before the next iteration: settle_to best-measured, K < T, and either the ramp has ended with no
  // target yet or the recheck is due for a target set before it.
  bool wants_settle_target() const;

  void save_state(torch::serialize::OutputArchive& archive) const;
  void load_state(torch::serialize::InputArchive& archive);

 private:
  // This iteration's masks and each example's sampled step with its levels.
  MaskDraw draw_training_masks(bool need_elbo);
  torch::Tensor model_loss_and_reward(const torch::Tensor& x0, const KeptLevels& at, bool need_elbo,
                                      torch::Tensor& rewards);
  // The first half of an iteration, common to both steps: masks, the model's loss and the rewards.
  struct Forward {
    MaskDraw draw;
    torch::Tensor rewards;
    torch::Tensor mean_loss;
  };
  Forward forward(const torch::Tensor& x0);
  // This iteration's mask update values (the ramp's budget, settling, whether the mask learns yet).
  MaskUpdateValues mask_update_values() const;
  // The plain step's mask update, on host arrays or as tensors as the plan says.
  void apply_mask_update(const torch::Tensor& masks, const torch::Tensor& rewards);
  // The plain step (host-driven), and the device step (eddpm_device_step.cpp): its host part
  // (batch, values) and its device part.
  void step_on_host();
  void step_on_device();
  void device_iteration();
  // Rollout rewards: M masks scored by their few-step samples; returns their rewards.
  torch::Tensor update_mask_by_rollouts();
  // MaskStart::BestHandcrafted: scores every handcrafted family's K steps (and the start proposals)
  // on the pool and sets s to the best one's indicator plus the rest of the current budget spread evenly.
  void start_mask_from_best_handcrafted(const torch::Tensor& data_batch);

  // Data-parallel training: this rank's rows [first, first + count) of `rows` split over the ranks
  // in shares of `each` (the last shares may be short or empty). One process: all of them.
  struct RowShare {
    int64_t first = 0, count = 0, each = 0;
  };
  RowShare row_share(int64_t rows) const;
  // Every rank's share (`mine`: this rank's rows of `rows`) laid end to end in rank order.
  torch::Tensor gather_shares(const torch::Tensor& mine, int64_t rows);
  // The rollout rewards of `masks`, each rank scoring its share of them.
  torch::Tensor rollout_rewards(const torch::Tensor& masks, const torch::Tensor& data_batch);

  std::shared_ptr<Collective> group_;
  TrainedModel trained_;  // config, noise, device, data and the sampling weights; its mask is s_
  std::vector<std::vector<int>> start_proposals_;  // more steps the mask's start may choose
  StepPlan plan_;
  BudgetRamp ramp_;
  std::unique_ptr<RolloutReward> rollout_;  // set for the fidelity and data rewards
  std::unique_ptr<ModelUpdate> model_update_;  // the weights, their EMA and Adam
  torch::Tensor betas_, alpha_bars_;  // (T) float64 on device
  torch::Tensor s_;                   // (T) float64 on device
  torch::Tensor ema_;                 // () float64: running mean of R
  torch::Tensor loss_sum_, reward_sum_;
  int64_t accumulated_ = 0;
  int64_t iteration_ = 0;
  torch::Tensor mask_buffer_;  // the fused draw writes each iteration's masks here
  std::unique_ptr<GraphedStep> graphed_;  // bound lazily: a graph holds the tensors it captured
  torch::Tensor x0_;  // the device step's batch, copied in each iteration
  StagedCopy batch_copy_, values_copy_;  // into x0_ and the values tensors without a host sync
  // float64 on the device: the device step's per-iteration values (ModelUpdate's, then
  // MaskUpdateValues'), and the plain step's mask update values where it runs as tensors.
  torch::Tensor step_values_, mask_values_;
  std::vector<int> settle_target_;  // descending 0-based timesteps, or empty
  int64_t settle_target_set_at_ = 0;  // the iteration settle_target_ was set at
  torch::Tensor settle_indicator_;  // (T) float64 on device: the target's indicator, for update_mask
  at::Generator data_gen_;    // CPU: data batches
  at::Generator device_gen_;  // device: masks, timesteps, noise
};

}  // namespace eddpm
