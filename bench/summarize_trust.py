#!/usr/bin/env python3
"""Tables of issue 17's grid (bench/trust_grid.sh): one row per run with its verdict.

Usage: bench/summarize_trust.py OUT_DIR
Columns: the semantics the run trained with, the learned schedule's measure (SWD on 2-D data),
uniform's, the best handcrafted family and its value, learned / best (below 1: the learned steps
win), whether the learned steps are no worse than uniform, what settling chose at the ramp's end
(settle_choice.json: the candidate, and the mask's own top K's value on the same noise; runs made
before it existed show the mask's steps above 0.5 and concentration c there instead) and, where
the recheck (settle_recheck.json) chose another candidate, "then" that one, and the mask at the end.
"""
import json
import pathlib
import re
import sys

NAME = re.compile(r"(?P<data>[a-z0-9]+)-(?P<beta>[a-z]+)(?P<T>\d+)-K(?P<K>\d+)-s(?P<seed>\d+)$")


def ramp_end_stats(run):
    config_rows = [json.loads(l) for l in (run / "metrics.jsonl").read_text().splitlines() if l.strip()]
    learned = json.loads((run / "schedule_learned.json").read_text())
    iters = learned["metrics"]["iteration"]
    ramp_end = int(0.8 * iters)
    before = [r for r in config_rows if r["iter"] <= ramp_end]
    return (before[-1] if before else config_rows[0]), learned["metrics"]


def rows(out, part):
    for verdict_path in sorted((out / part).glob("*/verdict.json")):
        run = verdict_path.parent
        m = NAME.match(run.name)
        if not m:
            continue
        v = json.loads(verdict_path.read_text())
        at_ramp_end, final = ramp_end_stats(run)
        choice_path = run / "settle_choice.json"
        choice = json.loads(choice_path.read_text()) if choice_path.exists() else None
        recheck_path = run / "settle_recheck.json"
        recheck = json.loads(recheck_path.read_text()) if recheck_path.exists() else None
        semantics = json.loads((run / "schedule_learned.json").read_text()).get("semantics", "?")
        yield dict(m.groupdict(), verdict=v, ramp=at_ramp_end, final=final, choice=choice, recheck=recheck,
                   semantics=semantics)


def settled(r):
    c = r["choice"]
    if c is None:
        return f">0.5: {r['ramp']['kept_over_half']} c={r['ramp']['concentration']:.2f}"
    own = next(x["value"] for x in c["candidates"] if x["kind"] == "learned")
    chosen = next(x["value"] for x in c["candidates"] if x["kind"] == c["chosen"])
    text = f"{c['chosen']} {chosen:.4f} (top K {own:.4f})"
    again = r["recheck"]
    if again and again["timesteps"] != again["candidates"][0]["timesteps"]:
        value = next(x["value"] for x in again["candidates"] if x["kind"] == again["chosen"])
        text += f", then {again['chosen']} {value:.4f}"
    return text


def table(out, part):
    lines = ["| data | beta | T | K | seed | semantics | learned | uniform | best handcrafted | learned/best | >= uniform | "
             "settled toward | end |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    wins = losses = 0
    failing = []
    for r in rows(out, part):
        v = r["verdict"]
        learned, uniform, best = v["learned"]["value"], v["uniform"]["value"], v["best_handcrafted"]
        ratio = learned / best["value"] if best["value"] > 0 else float("inf")
        ok = learned <= best["value"]
        wins += ok
        losses += not ok
        if not ok:
            failing.append(f"{r['data']} {r['beta']} T={r['T']} K={r['K']} seed {r['seed']}: "
                           f"{ratio:.2f}x {best['kind']}")
        final = r["final"]
        lines.append(f"| {r['data']} | {r['beta']} | {r['T']} | {r['K']} | {r['seed']} | {r['semantics']} | "
                     f"{'**' if ok else ''}{learned:.4f}{'**' if ok else ''} | {uniform:.4f} | "
                     f"{best['kind']} {best['value']:.4f} | {ratio:.2f} | {'yes' if learned <= uniform else 'no'} | "
                     f"{settled(r)} | "
                     f">0.5: {final['kept_over_half']} c={final['concentration']:.2f} |")
    lines.append("")
    lines.append(f"{wins} of {wins + losses} runs: learned at least as good as the best handcrafted schedule.")
    if failing:
        lines.append("Losses: " + "; ".join(failing) + ".")
    return "\n".join(lines)


def main():
    out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "runs/trust")
    for part, title in (("joint", "Model and mask trained together (defaults)"),
                        ("frozen", "Mask searched on a frozen plain DDPM (defaults for --from --freeze-model)")):
        if (out / part).is_dir() and any((out / part).glob("*/verdict.json")):
            print(f"### {title}\n")
            print(table(out, part))
            print()


if __name__ == "__main__":
    main()
