"""Benchmark (run by hand, never asserts time): several PCs working on one station server at once (issue 19).

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/benchmarks/bench_multiseat.py [--clients 8] [--seconds 60]
        [--think 0.3 0] [--fresh]

A throwaway PostgreSQL cluster on loopback (tests/pgcluster.py) receives the full demo station (100,000
residents, 1,000,000 visits: the encrypted copy of bench_encryption.py, moved by the program's own
迁移到服务器, ``server_move.move_to_server``; kept in ``--cache`` for the next run: the move takes minutes).
Then ``--clients`` processes, each opening the station as a PC of the station does (``open_server_database``,
a log-in), work for ``--seconds`` at once, each action one transaction as the screens make them. One run per
``--think`` value: the mean pause between one client's actions (uniform between 0 and twice it: a person at a
PC, at most a few actions a second; the goals are judged on this run), and 0, no pause at all (for
reference: the clients' own work and the server then share this machine's cores, which at a station are
separate PCs, so its latencies measure the queue for the CPU as much as the program):

- 查找: a keypress in the resident picker (``persons.search``: an ID-number tail, part of a phone
  number, two characters of a name, pinyin initials; values taken from the station's residents);
- 窗口登记: a window registration (``window.registration.register``: a 受理编号 handed out under its
  series lock);
- 走访: a visit entered for a household (``targets.visits.save_visit``);
- 修改: a form opened on a shared resident (eight residents shared by every client) and saved a moment
  later with one more in its count (``persons.save_person`` with the version the form was opened on);
  a save after another PC's save of the same resident is refused (“此记录已被……修改”) and counted as
  refused, never lost.

Printed: per action the count, median, p95 and maximum (ms); errors (anything but a refused stale save);
duplicate 受理编号; registrations and visits written against those the clients saw succeed; lost updates
(the shared residents' counts against the saves accepted); the audit chain verified afterwards.
Goals: 0 errors, 0 duplicates, 0 lost updates; p95 per action ≤ 150 ms; search p95 ≤ 20 ms.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.bench_encryption import PASSWORD, the_two_files  # noqa: E402

SHARED_RESIDENTS = 8
GOAL_ACTION_MS, GOAL_SEARCH_MS = 150.0, 20.0
CACHE = Path(tempfile.gettempdir()) / "shuanbai-bench-multiseat"
ACTIONS = ("查找", "窗口登记", "走访", "修改")
WEIGHTS = (50, 20, 20, 10)


def _samples(db) -> dict:
    """Search texts, households with a member, the matter, the workers and the shared residents."""
    from sqlalchemy import select

    from shuanbai_desktop.data.models import Person
    from shuanbai_desktop.data.models.targets import Household
    from shuanbai_desktop.services import persons
    from shuanbai_desktop.services.window import catalogue as matters
    rng = random.Random(19)
    with db.session() as s:
        rows = s.execute(select(Person.name, Person.name_initials, Person.id_number, Person.phone)
                         .where(Person.id_number.is_not(None)).order_by(Person.id).limit(2000)).all()
        rows = rng.sample(rows, 400)
        texts = ([r.id_number[-4:] for r in rows[:100]] + [r.phone[3:7] for r in rows[100:200] if r.phone]
                 + [r.name[:2] for r in rows[200:300]] + [r.name_initials[:2] for r in rows[300:]])
        households = s.execute(select(Household.id, Person.id).join(Person, Person.household_id == Household.id)
                               .order_by(Household.id).limit(3000)).all()
        matter = matters.list_matters(s)[0].id
        person = s.scalar(select(Person.id).order_by(Person.id).limit(1))
        shared = []
        for i in range(SHARED_RESIDENTS):
            shared.append(persons.save_person(s, persons.PersonInput(f"共用{i}号", "", "未办证", notes="0"),
                                              today=date.today()))
    return {"texts": texts, "households": [tuple(h) for h in households], "matter": matter, "person": person,
            "shared": shared}


def client(target, samples: dict, seconds: float, seed: int, start, out, think: float = 0.0) -> None:
    """One PC: open, log in, then act until the time is up; report every action's time and outcome."""
    from shuanbai_desktop.data.migrate import open_server_database
    from shuanbai_desktop.domain.counter_labels import Channel, Handling
    from shuanbai_desktop.domain.target_labels import Risk, VisitForm
    from shuanbai_desktop.errors import UserError
    from shuanbai_desktop.services import auth, persons
    from shuanbai_desktop.services.targets import visits
    from shuanbai_desktop.services.window.registration import RegistrationInput, register

    rng = random.Random(seed)
    times: dict[str, list[float]] = {a: [] for a in ACTIONS}
    result = {"errors": [], "tickets": [], "visits": 0, "accepted": {}, "refused": 0}
    db = open_server_database(target)
    try:
        user = auth.log_in(db, "admin", PASSWORD)
        start.wait(120)
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if think:  # a person at the PC: a moment between one action and the next
                time.sleep(rng.uniform(0.0, 2 * think))
            action = rng.choices(ACTIONS, WEIGHTS)[0]
            began = time.perf_counter()
            try:
                if action == "查找":
                    with db.session(user.actor) as s:
                        persons.search(s, persons.PersonFilter(text=rng.choice(samples["texts"])), limit=31)
                elif action == "窗口登记":
                    with db.session(user.actor) as s:
                        saved = register(s, RegistrationInput(channel=Channel.PHONE, person_id=samples["person"],
                                                              matter_type_id=samples["matter"],
                                                              handling=Handling.ASSIGN))
                    result["tickets"].append(saved.ticket_no)
                elif action == "走访":
                    household, member = rng.choice(samples["households"])
                    with db.session(user.actor) as s:
                        visits.save_visit(s, visits.VisitInput(
                            household_id=household, visit_date=date.today(), worker_ids=(user.id,),
                            person_ids=(member,), form=VisitForm.PHONE, findings="电话回访，情况稳定",
                            risk=Risk.LOW))
                    result["visits"] += 1
                else:
                    person_id = rng.choice(samples["shared"])
                    with db.session(user.actor) as s:  # the form opens
                        shown = persons.get_person(s, person_id)
                    try:
                        with db.session(user.actor) as s:  # and is saved
                            persons.save_person(s, persons.PersonInput(
                                shown.name, None, shown.no_id_reason, notes=str(int(shown.notes) + 1)),
                                person_id=person_id, version=shown.version)
                        result["accepted"][person_id] = result["accepted"].get(person_id, 0) + 1
                    except UserError as exc:
                        if "此记录已被" not in exc.message:
                            raise
                        result["refused"] += 1
            except Exception as exc:  # noqa: BLE001 - every failure is counted and printed
                result["errors"].append(f"{action}: {type(exc).__name__}: {str(exc)[:200]}")
            times[action].append((time.perf_counter() - began) * 1000)
    finally:
        db.close()
    out.put((times, result))


def _phase(target, samples: dict, clients: int, seconds: float, think: float) -> list:
    """``clients`` processes at once for ``seconds``, ``think`` seconds apart on average; prints the table and
    returns each client's (times, result)."""
    print(f"\n—— {clients} 个客户端同时工作 {seconds:.0f} s，"
          + (f"两个动作之间平均停 {think:.2f} s（0–{2 * think:.2f} s 均匀；一台电脑前的人）" if think
             else "动作之间不停（参考：机器满载，客户端与服务器争用同两个 CPU 核）") + " ——")
    ctx = mp.get_context("spawn")
    start, out = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=client, args=(target, samples, seconds, n, start, out, think))
             for n in range(clients)]
    for proc in procs:
        proc.start()
    time.sleep(3)  # every client opened and logged in before the clock starts
    start.set()
    results = [out.get(timeout=seconds + 300) for _ in procs]
    for proc in procs:
        proc.join(timeout=60)
    times = {a: [t for r in results for t in r[0][a]] for a in ACTIONS}
    print(f"{'动作':<8}{'次数':>8}{'中位 ms':>10}{'p95 ms':>10}{'最长 ms':>10}  目标 p95")
    for action in ACTIONS:
        values = times[action]
        goal = GOAL_SEARCH_MS if action == "查找" else GOAL_ACTION_MS
        p95 = pct(values, 0.95)
        print(f"{action:<8}{len(values):>8}{statistics.median(values) if values else float('nan'):>10.1f}"
              f"{p95:>10.1f}{max(values, default=float('nan')):>10.1f}  ≤ {goal:.0f}"
              f"{'' if p95 <= goal else '  未达到'}")
    total = sum(len(v) for v in times.values())
    print(f"合计 {total:,} 个动作，{total / seconds:.0f} 个/秒")
    return results


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description="多台电脑同时使用站内服务器")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--think", type=float, nargs="+", default=[0.3, 0.0],
                        help="one run per value: the mean pause between one client's actions in seconds "
                             "(0: none, the machine saturated)")
    parser.add_argument("--cache", type=Path, default=CACHE,
                        help="where the moved station is kept between runs (the move takes minutes)")
    parser.add_argument("--fresh", action="store_true", help="move the station again, ignoring the cache")
    args = parser.parse_args()
    from sqlalchemy import func, select

    from shuanbai_desktop.data import backend, keyring
    from shuanbai_desktop.data.migrate import open_server_database
    from shuanbai_desktop.data.models import Person
    from shuanbai_desktop.data.models.targets import Visit
    from shuanbai_desktop.data.models.window import WindowRegistration
    from shuanbai_desktop.services import audit_log, encryption, server_move
    from tests import pgcluster
    from tests.benchmarks import bench_report

    load = os.getloadavg()
    print(f"机器负载（1/5/15 分钟）：{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}，CPU {os.cpu_count()} 核")
    scratch = Path(tempfile.mkdtemp(prefix="shuanbai-bench-multiseat-"))
    cluster = None
    try:
        cluster = pgcluster.Cluster()
        if not args.fresh and (args.cache / "data").is_dir() and (args.cache / "shared").is_dir():
            shutil.copytree(args.cache / "shared", scratch / "shared")
            cluster.start(data_from=args.cache / "data")
            target = backend.parse_server_url(cluster.url("station"), scratch / "shared")
            print(f"迁移好的社工站取自 {args.cache}（--fresh 重新迁移）")
        else:
            _plain, station = the_two_files()
            copy = scratch / "station" / "station.db"
            copy.parent.mkdir()
            shutil.copy2(station, copy)
            shutil.copy2(keyring.keyring_path(station), keyring.keyring_path(copy))
            db = encryption.open_with_password(copy, "admin", PASSWORD, datetime.now(), check_in_background=False)
            bench_report.as_admin(db)
            cluster.start()
            cluster.create_database("station")
            target = backend.parse_server_url(cluster.url("station"), scratch / "shared")
            began = time.perf_counter()
            moved = server_move.move_to_server(db, target, db.acting_for, datetime.now(), lambda *_: None)
            db.close()
            print(f"迁移到服务器：{moved.rows:,} 行，{time.perf_counter() - began:.0f} s")
            cluster.snapshot(args.cache / "data")
            shutil.rmtree(args.cache / "shared", ignore_errors=True)
            shutil.copytree(scratch / "shared", args.cache / "shared")

        server = bench_report.as_admin(open_server_database(target))
        samples = _samples(server)
        with server.session() as s:
            residents = s.scalar(select(func.count(Person.id)))
            before_visits = s.scalar(select(func.count(Visit.id)))
            before_tickets = s.scalar(select(func.count(WindowRegistration.id)))
        print(f"服务器上的社工站：{residents:,} 位居民；{args.clients} 个客户端进程")
        results = []
        for think in args.think:
            results += _phase(target, samples, args.clients, args.seconds, think)

        errors = [e for r in results for e in r[1]["errors"]]
        tickets = [t for r in results for t in r[1]["tickets"]]
        accepted: dict[int, int] = {}
        for r in results:
            for person_id, n in r[1]["accepted"].items():
                accepted[person_id] = accepted.get(person_id, 0) + n
        refused = sum(r[1]["refused"] for r in results)
        visits_done = sum(r[1]["visits"] for r in results)

        with server.session() as s:
            stored_tickets = list(s.scalars(select(WindowRegistration.ticket_no)))
            after_visits = s.scalar(select(func.count(Visit.id)))
            counts = {p: int(persons_notes) for p, persons_notes in s.execute(
                select(Person.id, Person.notes).where(Person.id.in_(samples["shared"])))}
            chain = audit_log.check_chain(s)
        duplicates = len(stored_tickets) - len(set(stored_tickets))
        lost = sum(accepted.get(p, 0) - counts[p] for p in samples["shared"])
        print(f"\n错误：{len(errors)}" + "".join(f"\n  {e}" for e in errors[:10]))
        print(f"重复的受理编号：{duplicates}；窗口登记 写入 {len(stored_tickets) - before_tickets} / 客户端成功 "
              f"{len(tickets)}；走访 写入 {after_visits - before_visits} / 客户端成功 {visits_done}")
        print(f"修改共用居民：接受 {sum(accepted.values())} 次，因他人先保存而拒绝 {refused} 次；"
              f"丢失的修改：{lost}")
        print(f"操作日志链：{'完整' if chain.ok else '断开：' + chain.message}")
        server.close()
    finally:
        if cluster is not None:
            cluster.stop()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
