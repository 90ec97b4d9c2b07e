"""Make the committed lm-evaluation-harness results file: lm-eval 0.4.13 evaluates the demo's stand-in model
(../standin.py, registered here as an lm-eval model) on the local task in tasks.yaml, offline, and saves the
results as its CLI does (EvaluationTracker). Run once, in an environment with lm-eval (which needs torch and
datasets: not ailm's), from this folder:

    HF_DATASETS_OFFLINE=1 python make_results.py
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import standin  # noqa: E402
from lm_eval import simple_evaluate  # noqa: E402
from lm_eval.api.model import LM  # noqa: E402
from lm_eval.api.registry import register_model  # noqa: E402
from lm_eval.loggers import EvaluationTracker  # noqa: E402
from lm_eval.tasks import TaskManager  # noqa: E402


@register_model("ailm-demo-standin")
class Standin(LM):
    def loglikelihood(self, requests):
        raise NotImplementedError("the stand-in only generates")

    def loglikelihood_rolling(self, requests):
        raise NotImplementedError("the stand-in only generates")

    def generate_until(self, requests):
        return [standin.respond(r.args[0]) for r in requests]


def main() -> None:
    tracker = EvaluationTracker(output_path=str(HERE / "results"))
    results = simple_evaluate(
        model="ailm-demo-standin",
        tasks=["support_refusal_lm"],
        task_manager=TaskManager(include_path=str(HERE)),
        log_samples=False,
        evaluation_tracker=tracker,
        random_seed=7,
        numpy_random_seed=7,
        torch_random_seed=7,
        fewshot_random_seed=7,
    )
    tracker.save_results_aggregated(results=results, samples=None)
    print({k: v for k, v in results["results"]["support_refusal_lm"].items()})


if __name__ == "__main__":
    main()
