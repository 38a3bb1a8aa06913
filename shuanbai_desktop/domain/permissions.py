"""Who may do what (R7.1, R7.4): the pure table of roles × actions.

It lives in domain/ so that data/ (the month lock's flush listener) can ask it too; the services
enforce it through ``services/permissions.require`` (which re-exports every name here), the screens
ask it through ``ctx.can(Permission.X)``, docs/permissions.md shows it.
"""

from __future__ import annotations

from enum import StrEnum

from .labels import Role

# ``session.info[SYSTEM_KEY]``: the session is the program's own work, acting for nobody
# (``services/permissions.as_system``).
SYSTEM_KEY = "system"


class Permission(StrEnum):
    """An action that not every role may take. The label reads after “可以…” / “不能…”."""

    def __new__(cls, value: str, label: str, area: str):
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.label = label
        obj.area = area
        return obj

    label: str
    area: str

    # 设置
    USERS_MANAGE = ("users.manage", "管理用户账户和角色", "设置")
    SECURITY_SETTINGS = ("settings.security", "修改安全设置", "设置")
    STATION_EDIT = ("station.edit", "修改社工站信息和社工点", "设置")
    AUDIT_READ = ("audit.read", "查看操作日志", "设置")
    BACKUP_MAKE = ("backup.make", "立即备份", "设置")
    BACKUP_COPY_OUT = ("backup.copy_out", "把完整数据库复制到U盘或其他文件夹", "设置")
    BACKUP_RESTORE = ("backup.restore", "从备份恢复数据库", "设置")
    BACKUP_SETTINGS = ("backup.settings", "修改备份设置", "设置")
    DATA_IMPORT = ("data.import", "从Excel台账导入数据、撤销导入批次", "设置")
    # 服务对象与个案
    PERSON_CREATE = ("person.create", "登记新居民", "服务对象与个案")
    PERSON_EDIT = ("person.edit", "修改或删除居民信息", "服务对象与个案")
    PERSON_REVEAL_ID = ("person.reveal_id", "查看完整身份证号（须填写原因，记入操作日志）", "服务对象与个案")
    HOUSEHOLD_EDIT = ("household.edit", "建立、修改或删除户档", "服务对象与个案")
    VISIT_RECORD = ("visit.record", "录入、修改或删除走访记录", "服务对象与个案")
    CASE_OPEN = ("case.open", "开立个案、制定和复核服务计划、登记资源和志愿服务", "服务对象与个案")
    CASE_READ = ("case.read", "查看个案内容", "服务对象与个案")
    # 窗口登记
    WINDOW_REGISTER = ("window.register", "窗口登记和办理事项", "窗口登记")
    WINDOW_SETTINGS = ("window.settings", "维护事项目录、部门、节假日和打印设置", "窗口登记")
    # 人员
    STAFF_EDIT = ("staff.edit", "维护人员档案、合同、薪酬、培训和考核", "人员")
    STAFF_EXPORT_FULL = ("staff.export_full", "导出含完整身份证号的人员台账", "人员")
    SUPERVISION_RECORD = ("supervision.record", "登记督导记录", "人员")
    # 资产与档案
    ASSET_EDIT = ("asset.edit", "登记资产、领用归还维修和盘点", "资产")
    ASSET_DISPOSE = ("asset.dispose", "报废或处置资产", "资产")
    ARCHIVE_EDIT = ("archive.edit", "登记档案和借阅", "档案")
    ARCHIVE_DESTROY = ("archive.destroy", "档案到期鉴定和销毁", "档案")
    # 报表
    REPORT_EXPORT = ("report.export", "导出并报送月度报表、管理报表模板", "报表")
    MONTH_OVERRIDE = ("report.month_override", "修改已报送月份的记录（须填写原因）", "报表")
    LEDGER_EXPORT = ("ledger.export", "导出台账（已脱敏）", "报表")
    LEDGER_EXPORT_FULL = ("ledger.export_full", "导出含完整身份证号和电话的台账", "报表")


_P = Permission
_WORKER_COMMON = frozenset({
    _P.BACKUP_MAKE, _P.PERSON_CREATE, _P.WINDOW_REGISTER, _P.ASSET_EDIT, _P.ARCHIVE_EDIT, _P.LEDGER_EXPORT})

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.SOCIAL_WORKER: _WORKER_COMMON | {
        _P.PERSON_EDIT, _P.PERSON_REVEAL_ID, _P.HOUSEHOLD_EDIT, _P.VISIT_RECORD, _P.CASE_OPEN, _P.CASE_READ},
    Role.WINDOW: _WORKER_COMMON,
    Role.SUPERVISOR: frozenset({_P.CASE_READ, _P.SUPERVISION_RECORD, _P.LEDGER_EXPORT}),
}


def allowed(role: Role, permission: Permission) -> bool:
    """What the screens ask before showing a button; the services enforce the same answer."""
    return permission in ROLE_PERMISSIONS[role]


def table() -> list[tuple[Permission, dict[Role, bool]]]:
    """The table as the administrator sees it in 设置 → 用户: one row per action."""
    return [(p, {role: allowed(role, p) for role in Role}) for p in Permission]


def markdown_table() -> str:
    """The table for docs/permissions.md (a test keeps the document equal to the code)."""
    roles = list(Role)
    lines = ["| 范围 | 操作 | " + " | ".join(r.short for r in roles) + " |",
             "|---|---|" + "---|" * len(roles)]
    for permission, row in table():
        marks = " | ".join("✓" if row[r] else "—" for r in roles)
        lines.append(f"| {permission.area} | {permission.label} | {marks} |")
    return "\n".join(lines) + "\n"
