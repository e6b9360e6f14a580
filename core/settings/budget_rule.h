#pragma once
// Which set the mask probabilities are projected onto (spec section 4, step 8). AtMost is the
// paper's S = { sum(s) <= K_e }. Exact is { sum(s) = K_e } (ours): under AtMost a probability that
// reaches 0 is never drawn again, gets no gradient under the leave-one-out baseline, and the mask
// can end with fewer steps than asked; Exact raises every probability evenly whenever the mask
// spends less than its budget, so none is stuck at 0 while budget is left.
namespace eddpm {

enum class BudgetRule { Exact, AtMost };

}  // namespace eddpm
