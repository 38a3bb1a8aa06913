"""The set-up wizard's pages: town, station profile, administrator (and, when the PC has a folder every
account can use, whom the station's data are for), summary."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from ..data import divisions
from ..domain.password_rules import PASSWORD_RULES
from ..errors import UserError
from .forms import FormErrors
from .password_dialog import password_field
from .widgets import NOTE_GREY, NOTE_STYLE, OK_STYLE, WARN_STYLE, push_button

HINT_STYLE = NOTE_STYLE


def hint(text: str, wrap: bool = False) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(wrap)
    label.setStyleSheet(HINT_STYLE)
    return label


def line_edit(width: int) -> QLineEdit:
    """No max length: an over-long entry gets the service's message (with the count), not silent cutting."""
    edit = QLineEdit()
    edit.setFixedWidth(width)
    return edit


def form_layout(page: QWidget) -> QFormLayout:
    """A form at the top of the page; spare height goes below it, not between its rows."""
    outer = QVBoxLayout(page)
    form = QFormLayout()
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    outer.addLayout(form)
    outer.addStretch(1)
    return form


class TownPage(QWizardPage):
    """地级市 → 县(区) → 乡镇(街道), and the villages the chosen town brings with it."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTitle("选择所在乡镇(街道)")
        self.setSubTitle("请选择本社工站所在的乡镇(街道)。所辖村(居)名单来自随程序提供的广东省统计用区划代码。")
        self.city = QComboBox()
        self.county = QComboBox()
        self.town = QComboBox()
        for combo, text in ((self.city, "请选择地级市"), (self.county, "请选择县(区)"),
                            (self.town, "请选择乡镇(街道)")):
            combo.setPlaceholderText(text)
            combo.setMinimumWidth(260)
            combo.setMaxVisibleItems(20)
        self.count_label = QLabel("选择乡镇(街道)后，这里列出它所辖的村(居)，请核对。")
        self.villages = QListWidget()
        self.villages.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        self.villages.setFlow(QListWidget.Flow.LeftToRight)  # in columns: up to 84 names fit at a glance
        self.villages.setWrapping(True)
        self.villages.setResizeMode(QListWidget.ResizeMode.Adjust)
        self._build()
        _fill(self.city, divisions.cities())
        self.city.currentIndexChanged.connect(self._city_changed)
        self.county.currentIndexChanged.connect(self._county_changed)
        self.town.currentIndexChanged.connect(self._town_changed)

    def _build(self) -> None:
        form = QFormLayout()
        form.addRow("地级市：", self.city)
        form.addRow("县(区)：", self.county)
        form.addRow("乡镇(街道)：", self.town)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.count_label)
        layout.addWidget(self.villages, 1)

    def _city_changed(self) -> None:
        _fill(self.county, divisions.counties(self.city.currentData() or ""))

    def _county_changed(self) -> None:
        _fill(self.town, divisions.towns(self.county.currentData() or ""))

    def _town_changed(self) -> None:
        self.villages.clear()
        code = self.town.currentData()
        found = divisions.villages(code) if code else []
        for village in found:
            self.villages.addItem(village.name)
            self.villages.item(self.villages.count() - 1).setToolTip(f"区划代码 {village.code}")
        self._align_columns([v.name for v in found])
        self.count_label.setText(f"{self.town.currentText()}共有 {len(found)} 个村(居)，设立后将自动录入："
                                 if code else "选择乡镇(街道)后，这里列出它所辖的村(居)，请核对。")
        self.completeChanged.emit()

    def _align_columns(self, names: list[str]) -> None:
        metrics = self.villages.fontMetrics()
        width = max((metrics.horizontalAdvance(n) for n in names), default=100) + 24
        self.villages.setGridSize(QSize(width, metrics.height() + 8))

    def select_town(self, town_code: str) -> None:
        path = divisions.find_town(town_code)
        for combo, division in ((self.city, path.city), (self.county, path.county), (self.town, path.town)):
            combo.setCurrentIndex(combo.findData(division.code))

    def isComplete(self) -> bool:
        return bool(self.town.currentData())

    @property
    def town_code(self) -> str:
        return self.town.currentData() or ""

    @property
    def area_text(self) -> str:
        return f"广东省{self.city.currentText()}{self.county.currentText()}{self.town.currentText()}"


def _fill(combo: QComboBox, items: list[divisions.Division]) -> None:
    combo.blockSignals(True)
    combo.clear()
    for item in items:
        combo.addItem(item.name, item.code)
    combo.setCurrentIndex(-1)
    combo.blockSignals(False)
    combo.currentIndexChanged.emit(-1)


class StationPage(QWizardPage):
    FIELDS = ("社工站名称", "地址", "联系电话")

    def __init__(self, town_page: TownPage, parent: QWidget | None = None):
        super().__init__(parent)
        self._town_page = town_page
        self._prefilled_for = ""
        self.setTitle("站点信息")
        self.setSubTitle("社工站的名称、地址和联系电话，会显示在窗口标题和各类报表上，以后可在“设置 → 站点信息”中修改。")
        self.name = line_edit(380)
        self.address = line_edit(380)
        self.phone = line_edit(200)
        self.phone.setPlaceholderText("例如 0752-2808727 或 13800138000")
        self.error_label = QLabel()
        self.errors = FormErrors(self.error_label, dict(zip(self.FIELDS, (self.name, self.address, self.phone),
                                                            strict=True)))
        form = form_layout(self)
        form.addRow("社工站名称：", self.name)
        form.addRow("地址：", self.address)
        form.addRow("联系电话：", self.phone)
        form.addRow("", self.error_label)

    def initializePage(self) -> None:
        town = self._town_page.town.currentText()
        if town != self._prefilled_for:  # a new town: offer its default name again
            from ..services import station  # loaded behind the first window (app_flow._prepare)
            self.name.setText(station.default_station_name(town))
            self._prefilled_for = town

    def validatePage(self) -> bool:
        from ..services.setup_checks import check_station_profile
        return _checked(self.errors, lambda: check_station_profile(self.name.text(), self.address.text(),
                                                                   self.phone.text()))


SCOPE_TITLE = "本站数据给谁用"
SCOPE_OWN = "只给本账户使用"
SCOPE_SHARED = "本机所有账户共用（推荐：社工站多人轮流使用这台电脑时）"


class AdminPage(QWizardPage):
    """The administrator's account; with ``shared_folder`` (the PC's folder every account can use) also
    本站数据给谁用: this account only, or every account of the PC (the default)."""

    FIELDS = ("用户名", "姓名", "密码", "确认密码")

    def __init__(self, shared_folder: Path | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.shared_folder = shared_folder
        self.setTitle("管理员账户")
        self.setSubTitle("第一个账户是管理员（站长/副站长），用它登录后可在“设置 → 用户”中为其他工作人员建立账户。")
        self.username = line_edit(240)
        self.display_name = line_edit(240)
        self.password = password_field()
        self.confirm = password_field()
        for edit in (self.password, self.confirm):
            edit.setFixedWidth(240)
        self.error_label = QLabel()
        widgets = (self.username, self.display_name, self.password, self.confirm)
        self.errors = FormErrors(self.error_label, dict(zip(self.FIELDS, widgets, strict=True)))
        form = form_layout(self)
        form.addRow("用户名：", self.username)
        form.addRow("姓名：", self.display_name)
        form.addRow("密码：", self.password)
        form.addRow("确认密码：", self.confirm)
        form.addRow("", hint(PASSWORD_RULES))
        form.addRow("", self.error_label)
        self.shared: QRadioButton | None = None
        self.scope_box: QGroupBox | None = None
        if shared_folder is not None:
            self.scope_box = self._scope_box(shared_folder)
            form.addRow(self.scope_box)

    def ask_scope(self, ask: bool) -> None:
        """本站数据给谁用 only for a station on this PC (a server's station is every PC's)."""
        if self.scope_box is not None:
            self.scope_box.setVisible(ask)

    def _scope_box(self, folder: Path) -> QGroupBox:
        box = QGroupBox(SCOPE_TITLE)
        column = QVBoxLayout(box)
        self.shared = QRadioButton(SCOPE_SHARED)
        self.own = QRadioButton(SCOPE_OWN)
        self.shared.setChecked(True)
        column.addWidget(self.shared)
        column.addWidget(_under_choice(f"数据放在本机共用的文件夹（{folder}）：这台电脑的每个账户启动程序，打开的都是"
                                       "这个社工站，各人用自己的用户名登录（在“设置 → 用户”中建立）。"))
        column.addWidget(self.own)
        column.addWidget(_under_choice("数据放在当前登录电脑的这个账户自己的文件夹里，本机其他账户打不开。"))
        return box

    @property
    def for_every_account(self) -> bool:
        return self.shared is not None and self.shared.isChecked() and self.scope_box is not None \
            and not self.scope_box.isHidden()

    @property
    def scope_text(self) -> str:
        return SCOPE_SHARED.split("（")[0] if self.for_every_account else SCOPE_OWN

    def validatePage(self) -> bool:
        from ..services.setup_checks import check_admin
        return _checked(self.errors, lambda: check_admin(self.username.text(), self.display_name.text(),
                                                         self.password.text(), self.confirm.text()))


def _under_choice(text: str) -> QLabel:
    """A hint under a radio button, in line with the button's text."""
    label = hint(text, wrap=True)
    label.setContentsMargins(22, 0, 0, 4)
    return label


def _checked(errors: FormErrors, check) -> bool:
    errors.clear()
    try:
        check()
    except UserError as exc:
        errors.show(exc)
        return False
    return True


ENCRYPTION_WARNING = ("本程序会对全部数据加密保存。设立完成后将显示一个恢复码，请打印并锁好。"
                      "如果所有账户的密码和恢复码都丢失，数据将无法恢复，任何人（包括开发者）都无法找回。")
UNDERSTOOD = "我已了解"
SERVER_WARNING = ("数据保存在站内服务器上：服务器磁盘的加密、服务器的备份由服务器管理员负责（见 docs/server.md）。"
                  "设立完成后将显示一个恢复码，请打印并锁好：所有管理员都忘记密码时，用它重设管理员密码。"
                  "请尽早再建立一个管理员账户：一位管理员忘记密码时，由另一位管理员重设。")


class SummaryPage(QWizardPage):
    """What will be saved; 完成 saves it (the wizard's ``save``), once 我已了解 is ticked under the warning that
    lost passwords and a lost recovery code lose the data (issue 17)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTitle("确认信息")
        self.setSubTitle("请核对以下信息。点击“完成”后设立社工站，并录入所辖村(居)和管理员账户。")
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setWordWrap(True)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.error_label = QLabel()
        self.errors = FormErrors(self.error_label, {})
        self.understood = QCheckBox(UNDERSTOOD)
        self.understood.toggled.connect(self.completeChanged)
        self.registerField("encryption_understood", self.understood)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary, 1)
        layout.addWidget(self._encryption_box())
        layout.addWidget(self.error_label)

    def _encryption_box(self) -> QGroupBox:
        box = self.encryption_box = QGroupBox("数据加密")
        column = QVBoxLayout(box)
        self.encryption_warning = QLabel(ENCRYPTION_WARNING)
        self.encryption_warning.setWordWrap(True)
        self.encryption_warning.setStyleSheet(WARN_STYLE)
        column.addWidget(self.encryption_warning)
        column.addWidget(self.understood)
        return box

    def isComplete(self) -> bool:
        return self.understood.isChecked()

    def on_server(self, server: bool) -> None:
        """The warning under the summary: a file's encryption and recovery code, or a server's keeping."""
        self.encryption_box.setTitle("数据保管" if server else "数据加密")
        self.encryption_warning.setText(SERVER_WARNING if server else ENCRYPTION_WARNING)
        self.setSubTitle("请核对以下信息。点击“完成”后在站内服务器上设立社工站，并录入所辖村(居)和管理员账户。" if server
                         else "请核对以下信息。点击“完成”后设立社工站，并录入所辖村(居)和管理员账户。")

    def show_rows(self, rows: list[tuple[str, str]]) -> None:
        cells = "".join(f"<tr><td style='padding:4px 16px 4px 0; color:{NOTE_GREY}'>{k}</td>"
                        f"<td style='padding:4px 0'>{_escape(v)}</td></tr>" for k, v in rows)
        self.summary.setText(f"<table>{cells}</table>")

    def validatePage(self) -> bool:
        return self.wizard().save()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") or "（未填写）"


# --- 连接站内服务器 (issue 19) -------------------------------------------------------------------

WHERE_TITLE = "数据放在哪里"
WHERE_LOCAL = "本机数据库"
WHERE_SERVER = "连接站内服务器"


class WherePage(QWizardPage):
    """The first question of a first start: the data on this PC (the wizard's station pages follow) or on
    the station's PostgreSQL server (its connection page follows)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTitle(WHERE_TITLE)
        self.setSubTitle("社工站只有一台电脑使用时，数据放在本机；几台电脑要同时使用同一个社工站时，连接站内的数据库服务器。")
        self.local = QRadioButton(WHERE_LOCAL)
        self.server = QRadioButton(WHERE_SERVER)
        self.local.setChecked(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.local)
        layout.addWidget(_under_choice("数据保存在这台电脑上（加密）。适合只有一台电脑使用的社工站。"))
        layout.addWidget(self.server)
        layout.addWidget(_under_choice("数据保存在站内的 PostgreSQL 数据库服务器上，柜台、副站长和各服务点的电脑同时使用"
                                       "同一个社工站。服务器由管理员按说明书（docs/server.md）准备好，并已告诉您地址、"
                                       "数据库名、用户名和共用文件夹。"))
        layout.addStretch(1)

    @property
    def wants_server(self) -> bool:
        return self.server.isChecked()

    def nextId(self) -> int:
        from .setup_wizard import SERVER_PAGE, TOWN_PAGE
        return SERVER_PAGE if self.wants_server else TOWN_PAGE


SERVER_FIELDS = ("服务器地址", "端口", "数据库名", "用户名", "密码", "共用文件夹")


class ServerPage(QWizardPage):
    """服务器地址, 端口, 数据库名, 用户名, 密码 (never stored), 共用文件夹, and 测试连接. 下一步 tests the connection
    when it was not tested with these entries: a database with a station ends the wizard (the log-in of that
    station follows), an empty one goes on to the station pages (the station is made there at 完成)."""

    FIELDS = SERVER_FIELDS

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTitle(WHERE_SERVER)
        self.setSubTitle("填写服务器管理员告诉您的连接信息。密码不保存在这台电脑上。")
        self.host = line_edit(300)
        self.host.setPlaceholderText("例如 192.168.1.10 或 server-pc")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(5432)
        self.port.setFixedWidth(100)
        self.database = line_edit(200)
        self.database.setText("shuanbai")
        self.username = line_edit(200)
        self.username.setText("shuanbai")
        self.password = password_field()
        self.password.setFixedWidth(200)
        self.shared = line_edit(380)
        self.shared.setPlaceholderText(r"例如 \\server-pc\shuanbai 或 Z:\shuanbai")
        self.choose_button = push_button("选择…", self._choose_folder)
        self.test_button = push_button("测试连接", self.test_connection)
        for button in (self.choose_button, self.test_button):
            button.setAutoDefault(False)  # Enter is always the wizard's 下一步 / 完成 (Space presses these)
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.setStyleSheet(OK_STYLE)
        self.error_label = QLabel()
        widgets = (self.host, self.port, self.database, self.username, self.password, self.shared)
        fields = dict(zip(self.FIELDS, widgets, strict=True)) | {"--db": self.host, "--shared-dir": self.shared}
        self.errors = FormErrors(self.error_label, fields)
        form = form_layout(self)
        form.addRow("服务器地址：", self.host)
        form.addRow("端口：", self.port)
        form.addRow("数据库名：", self.database)
        form.addRow("用户名：", self.username)
        form.addRow("密码：", self.password)
        form.addRow("", hint("密码不保存：每次启动程序时输入；也可由管理员为这台电脑设置 pgpass 密码文件。"))
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.shared)
        folder_row.addWidget(self.choose_button)
        folder_row.addStretch(1)
        form.addRow("共用文件夹：", folder_row)
        form.addRow("", hint("附件和操作日志的密钥放在这里，站内每台电脑都要能读写（服务器上的共享文件夹）。"
                             "服务器就在这台电脑上时可以不填。", wrap=True))
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addStretch(1)
        form.addRow("", test_row)
        form.addRow("", self.result)
        form.addRow("", self.error_label)
        self.probed = None  # (entries, services.server_prepare.Probe) of the last successful test
        for edit in (self.host, self.database, self.username, self.password, self.shared):
            edit.textChanged.connect(self._changed)
        self.port.valueChanged.connect(self._changed)

    def prefill(self, target) -> None:
        """The entries of a server target (改用其他服务器… starts from the remembered one); no password."""
        self.host.setText(target.host or "")
        self.port.setValue(target.port or 5432)
        self.database.setText(target.database)
        self.username.setText(target.username or "")
        self.shared.setText(str(target.shared_dir))

    def _entries(self) -> tuple:
        return (self.host.text().strip(), self.port.value(), self.database.text().strip(),
                self.username.text().strip(), self.password.text(), self.shared.text().strip())

    def _changed(self) -> None:
        if self.probed is not None:
            self.probed = None
            self._buttons()
        self.result.clear()

    def _buttons(self) -> None:
        """完成 when the test found a station (the log-in is next), else 下一步."""
        self.setFinalPage(self.found_station is not None)
        self.completeChanged.emit()

    def _choose_folder(self) -> None:
        from .output import ask_folder
        chosen = ask_folder(self, "选择各电脑共用的文件夹", "server_shared", self.shared.text().strip() or None)
        if chosen is not None:
            self.shared.setText(str(chosen))

    def url(self) -> str:
        from ..server_choice import build_url
        host, port, database, user, _password, _shared = self._entries()
        if not host:
            raise UserError("请填写服务器地址（服务器电脑的 IP 地址或名称）。", field="服务器地址")
        if not database:
            raise UserError("请填写数据库名。", field="数据库名")
        if not user:
            raise UserError("请填写用户名（服务器上的登录用户）。", field="用户名")
        return build_url(host, port, database, user)

    def target(self):
        from ..data.backend import parse_server_url
        return parse_server_url(self.url(), self.shared.text().strip() or None)

    def test_connection(self) -> bool:
        """测试连接 (and 下一步): the result under the button, or the reason at its field."""
        from ..services import server_prepare
        from .server_dialogs import install, know_password
        from .widgets import busy_cursor
        self.errors.clear()
        self.result.clear()
        entries = self._entries()
        try:
            target = self.target()
            with busy_cursor():
                found = server_prepare.probe(target, self.password.text() or None)
        except UserError as exc:
            self.probed = None
            self.errors.show(exc)
            self._buttons()
            return False
        know_password(target, self.password.text())
        install()  # the database's own connections get the password typed here (the GUI's prompt)
        self.probed = (entries, target, found)
        if found.station_name is not None:
            self.result.setText(f"连接成功（PostgreSQL {found.server_version}）。服务器上已有社工站“{found.station_name}”："
                                "点“完成”后用您的账户登录。")
        else:
            self.result.setText(f"连接成功（PostgreSQL {found.server_version}）。这个数据库里还没有社工站：点“下一步”"
                                "在服务器上设立社工站。")
        self._buttons()
        return True

    @property
    def found_station(self) -> str | None:
        if self.probed is None or self.probed[0] != self._entries():
            return None
        return self.probed[2].station_name

    def nextId(self) -> int:
        from .setup_wizard import TOWN_PAGE
        return -1 if self.found_station is not None else TOWN_PAGE

    def validatePage(self) -> bool:
        if self.probed is None or self.probed[0] != self._entries():
            if not self.test_connection():
                return False
        return self.wizard().server_chosen(self.probed[1], self.probed[2])
