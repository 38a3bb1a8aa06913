"""``shuanbai-desktop import KIND FILE``: the wizard of 导入数据 without a window (docs/import.md).

    shuanbai-desktop import KIND FILE [--sheet NAME] [--header-row N] [--mapping FILE.json]
        [--existing skip|fill|overwrite] [--dry-run] [--errors OUT.xlsx] [--encoding E] --user NAME

The same steps and services as the wizard: the file through the guarded reader, the header row suggested
(or ``--header-row``), the mapping suggested from the titles (or ``--mapping``, columns by index, letter
or title; value maps for coded columns, the suggested ones filling what it leaves out), the dry run, then
the import in one transaction. Exit 0 when imported (or a clean dry run); 2 when rows fail (the count in the
message, every problem on stderr, nothing written; ``--errors`` saves the problem rows), when a required
field has no column, or on any other refusal; 1 for a bug.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from .errors import UserError


def add_parser(sub, login_arguments) -> None:
    """The ``import`` subcommand (cli.py calls this with its ``_login_arguments``)."""
    from .services.importing.base import Existing, ImportKind
    kinds = "、".join(f"{k.value}（{k.label}）" for k in ImportKind)
    parser = sub.add_parser("import", help="从 Excel/WPS/CSV 台账导入数据（须以管理员身份运行）",
                            description=f"从台账文件导入数据。KIND 可为：{kinds}。先核对全部行，有一行不符合要求就不导入任何数据。")
    parser.add_argument("kind", metavar="KIND", help="数据类型：" + "、".join(k.value for k in ImportKind))
    parser.add_argument("file", metavar="FILE", help="台账文件（.xlsx、.xlsm、.xls、.ods、.csv、.txt）")
    parser.add_argument("--sheet", metavar="NAME", help="工作表名称（默认第一个）")
    parser.add_argument("--header-row", type=int, metavar="N", help="表头所在行（Excel 行号；默认自动判断）")
    parser.add_argument("--mapping", metavar="FILE.json",
                        help="列对应文件（JSON：columns 字段→列号/列字母/列标题，fixed 固定值，values 值对应）；默认按列标题自动对应")
    parser.add_argument("--existing", default="skip", metavar="skip|fill|overwrite",
                        help="与已有记录相同（如同一身份证号）时：" + "；".join(f"{e.value} {e.label}" for e in Existing)
                        + "（默认 skip）")
    parser.add_argument("--dry-run", action="store_true", help="只核对，不导入")
    parser.add_argument("--errors", metavar="OUT.xlsx", help="有问题时把问题行保存为工作簿（含个人信息，请妥善保管）")
    parser.add_argument("--encoding", metavar="E", help="CSV/TXT 的编码，如 utf-8、gb18030（默认自动判断）")
    login_arguments(parser)


def _kind(text: str):
    from .services.importing.base import ImportKind
    for kind in ImportKind:
        if text.strip().lower() == kind.value or text.strip() == kind.label:
            return kind
    names = "、".join(k.value for k in ImportKind)
    raise UserError(f"没有“{text}”这种数据类型，可用：{names}。", field="KIND")


def _existing(text: str):
    from .services.importing.base import Existing
    try:
        return Existing(text.strip().lower())
    except ValueError:
        raise UserError(f"--existing 应为 skip、fill 或 overwrite，不是“{text}”。", field="--existing") from None


def _mapping_file(path: str):
    from .services.importing.base import Mapping
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise UserError(f"无法读取列对应文件 {Path(path).name}：{exc.strerror or exc}", field="--mapping") from None
    except UnicodeDecodeError:
        raise UserError(f"列对应文件 {Path(path).name} 不是 UTF-8 文本。", field="--mapping") from None
    return Mapping.from_json(text)


def _print_problems(problems, out=sys.stderr) -> None:
    for p in problems:
        where = f"第 {p.row} 行" if p.row else "列对应"
        column = f" {p.column}列" if p.column else ""
        title = f"“{p.title}”" if p.title else ""
        value = f"（值：{p.value}）" if p.value else ""
        print(f"{where}{column}{title}{value}：{p.reason}", file=out)


def _with_value_maps(session, spec, table, given, suggested):
    """The mapping to use: ``suggested`` when no mapping file was given; else ``given`` (resolved) with the
    value maps ``suggested`` has for the same columns (the station's villages by likeness, coded columns)
    under those it gives itself. Returns the mapping and the lines to show: each suggested value map."""
    from .services.importing.base import Mapping
    chosen = suggested if given is None else given
    own = {} if given is None else given.values
    values: dict[str, dict[str, str]] = {}
    for key, position in chosen.columns.items():
        if suggested.columns.get(key) == position and key in suggested.values:
            values[key] = dict(suggested.values[key])
    for key, texts in own.items():
        values.setdefault(key, {}).update(texts)
    choices = spec.choices(session)
    shown = []
    for f in spec.fields:
        labels = dict(choices.get(f.key, f.choices))
        for text, value in values.get(f.key, {}).items():
            if text not in own.get(f.key, {}):
                shown.append(f"  {f.title}：“{text}” → {labels.get(value, value)}")
    return Mapping(dict(chosen.columns), dict(chosen.fixed), values), shown


def _describe_mapping(spec, table, mapping) -> list[str]:
    lines = []
    for f in spec.fields:
        if f.key in mapping.columns:
            c = table.columns[mapping.columns[f.key]]
            lines.append(f"  {f.title} ← {c.letter}列“{c.title}”")
        elif f.key in mapping.fixed:
            lines.append(f"  {f.title} = “{mapping.fixed[f.key]}”（固定值）")
    taken = set(mapping.columns.values())
    unused = [f"{c.letter}“{c.title}”" for position, c in enumerate(table.columns) if position not in taken and c.title]
    if unused:
        lines.append("  不导入的列：" + "、".join(unused))
    return lines


def command(db, args) -> int:
    """Run ``import`` for the logged-in user (cli.py has opened ``db`` and logged in)."""
    from .services.importing import batch, reader
    from .services.importing import mapping as mapping_mod
    from .services.importing import table as table_mod
    from .services.importing.kinds import spec as kind_spec
    from .services.permissions import Permission, require
    kind = _kind(args.kind)
    existing = _existing(args.existing)
    given = _mapping_file(args.mapping) if args.mapping else None
    if args.header_row is not None and args.header_row < 1:
        raise UserError("--header-row 应为表头所在的 Excel 行号（从 1 起）。", field="--header-row")
    with db.session() as s:  # before the file is read: the same permission as every step of the wizard
        require(s, Permission.DATA_IMPORT)
    spec = kind_spec(kind)
    info = reader.inspect_file(Path(args.file), encoding=args.encoding)
    if args.sheet is not None and args.sheet not in info.sheets:
        raise UserError(f"文件中没有名为“{args.sheet}”的工作表；有：" + "、".join(info.sheets) + "。", field="--sheet")
    grid = reader.read_sheet(info, args.sheet)
    header_row = args.header_row or table_mod.suggest_header_row(grid, spec.fields)
    table = table_mod.build_table(grid, header_row)
    encoding = f"，编码 {info.encoding}" if info.encoding else ""
    rows_text = "、".join(str(r) for r in table.header_rows)
    print(f"文件：{info.file_name}（{info.format}{encoding}），工作表“{table.sheet}”，表头第 {rows_text} 行，"
          f"数据 {len(table.rows)} 行")
    for row, why in table.left_out:
        print(f"  未取第 {row} 行：{why}")
    today = date.today()
    with db.session() as s:
        suggested = mapping_mod.suggest_mapping(s, spec, table)
        resolved = None if given is None else mapping_mod.resolve(given, table)
        chosen, value_lines = _with_value_maps(s, spec, table, resolved, suggested)
        print(f"列对应（{kind.label}）：")
        for line in _describe_mapping(spec, table, chosen):
            print(line)
        if value_lines:
            print("值对应（按名称或相近的写法）：")
            for line in value_lines:
                print(line)
        problems = mapping_mod.check_mapping(spec, table, chosen)
        if problems:
            _print_problems(problems)
            raise UserError(f"列对应不完整（{len(problems)} 处），未导入任何数据。请用 --mapping 指定列，"
                            "或用 --header-row 指定表头行。", field="--mapping")
        source = batch.SourceRef(info.file_name, info.sha256, table.sheet)
        if args.dry_run:
            result = batch.dry_run(s, kind, table, chosen, today)
            if not result.ok:
                _report_problems(table, result, args)
                raise batch.ImportHasProblems(result)
        else:
            try:
                done = batch.run_import(s, kind, table, chosen, existing, source, today)
                mapping_mod.remember(s, spec, table, chosen)  # as the wizard: offered for files of this shape
            except batch.ImportHasProblems as exc:
                _report_problems(table, exc.dry_run, args)
                raise
    if args.dry_run:
        print(_dry_run_text(result))
        print("核对通过，未导入（--dry-run）。")
        return 0
    print(f"已导入{kind.label}：批次 {done.id}，{done.count_text}。"
          f"可在“设置 → 导入数据”中查看或撤销该批次。")
    return 0


def _dry_run_text(result) -> str:
    return (f"核对：共 {result.rows} 行，新增 {result.new}，与已有记录相同 {result.matched}"
            f"（其中有不同 {result.changed}），疑似重复 {result.duplicates}，有问题 {len(result.problems)} 处")


def _report_problems(table, result, args) -> None:
    from .services.importing import batch
    print(_dry_run_text(result))
    _print_problems(result.problems)
    if args.errors:
        target = Path(args.errors)
        batch.write_problems(target, table, result)
        print(f"问题行已保存到 {target}（含个人信息，请妥善保管）", file=sys.stderr)

