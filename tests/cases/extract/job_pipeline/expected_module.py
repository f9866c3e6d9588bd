"""The job made of notebook.py: its settings (Config), its steps in order (run) and the
functions they call.

Run it with ``python -m pkg.notebook``; ``--help`` lists the settings.
"""

import os
import random
import statistics
from dataclasses import dataclass, field
from typing import Any

from pkg.cli import run_job
from pkg.logs import get_logger

logger = get_logger(__name__)


@dataclass(frozen=True)
class Config:
    """The settings of the job, with the values notebook.py sets."""

    week: str = "2024-W18"
    n_orders: int = field(
        default=400, metadata={"help": "orders in the simulated export"}
    )
    min_amount: float = 5.0
    regions: list[str] = field(default_factory=lambda: ["north", "south", "east"])
    drop_test_accounts: bool = True
    out_dir: str = field(default="reports", metadata={"path": True})

    @property
    def report_csv(self) -> str:
        """Made from the settings it reads, as the notebook makes it."""
        return os.path.join(self.out_dir, f"totals-{self.week}.csv")


@dataclass(frozen=True)
class Result:
    """What the job computes that the notebook goes on to look at."""

    totals: Any


def run(config: Config) -> Result:
    """Run the steps of notebook.py in order, with the settings of ``config``."""
    orders = simulate_orders(
        n_orders=config.n_orders, regions=config.regions, week=config.week
    )
    orders = clean_orders(
        orders,
        drop_test_accounts=config.drop_test_accounts,
        min_amount=config.min_amount,
    )
    totals = compute_totals(orders)
    save_totals(totals, out_dir=config.out_dir, report_csv=config.report_csv)
    return Result(totals=totals)


def simulate_orders(n_orders, regions, week):
    """Simulate orders.

    Args:
        n_orders: Orders in the simulated export.
        regions: Setting, as the notebook sets it.
        week: Setting, as the notebook sets it.

    Returns:
        ``orders``, which the notebook goes on with.
    """
    rng = random.Random(42)
    orders = [
        {
            "id": i,
            "region": rng.choice(regions),
            "amount": round(rng.expovariate(1 / 40), 2),
            "test": rng.random() < 0.05,
        }
        for i in range(n_orders)
    ]
    logger.info("loaded %s orders for %s", len(orders), week)
    return orders


def clean_orders(orders, drop_test_accounts, min_amount):
    """Clean orders.

    Args:
        orders: Items the code goes through.
        drop_test_accounts: Setting, as the notebook sets it.
        min_amount: Setting, as the notebook sets it.

    Returns:
        ``orders``, which the notebook goes on with.
    """
    if drop_test_accounts:
        orders = [o for o in orders if not o["test"]]
    orders = [o for o in orders if o["amount"] >= min_amount]
    logger.info("kept %s orders", len(orders))
    return orders


def compute_totals(orders):
    """Compute totals.

    Args:
        orders: Items the code goes through.

    Returns:
        ``totals``, which the notebook goes on with.
    """
    totals = {}
    for order in orders:
        totals[order["region"]] = totals.get(order["region"], 0) + order["amount"]
    median = statistics.median(o["amount"] for o in orders)
    logger.info("median order: %.2f", median)
    return totals


def save_totals(totals, out_dir, report_csv):
    """Save totals.

    Args:
        totals: The notebook's ``totals``.
        out_dir: Setting, as the notebook sets it.
        report_csv: Setting, as the notebook sets it.
    """
    os.makedirs(out_dir, exist_ok=True)
    with open(report_csv, "w") as out:
        for region in sorted(totals):
            out.write(f"{region},{totals[region]:.2f}\n")
    logger.info("wrote %s", report_csv)


if __name__ == "__main__":
    run_job(Config, run, description=__doc__)
