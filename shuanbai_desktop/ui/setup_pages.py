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
    QLabel,
    QLineEdit,
    QListWidget,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from ..data import divisions
from ..domain.password_rules import PASSWORD_RULES
from ..errors import UserError
from .forms import FormErrors
from .password_dialog import password_field
from .widgets import NOTE_GREY, NOTE_STYLE, WARN_STYLE

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
        if shared_folder is not None:
            form.addRow(self._scope_box(shared_folder))

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
        return self.shared is not None and self.shared.isChecked()

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
        box = QGroupBox("数据加密")
        column = QVBoxLayout(box)
        self.encryption_warning = QLabel(ENCRYPTION_WARNING)
        self.encryption_warning.setWordWrap(True)
        self.encryption_warning.setStyleSheet(WARN_STYLE)
        column.addWidget(self.encryption_warning)
        column.addWidget(self.understood)
        return box

    def isComplete(self) -> bool:
        return self.understood.isChecked()

    def show_rows(self, rows: list[tuple[str, str]]) -> None:
        cells = "".join(f"<tr><td style='padding:4px 16px 4px 0; color:{NOTE_GREY}'>{k}</td>"
                        f"<td style='padding:4px 0'>{_escape(v)}</td></tr>" for k, v in rows)
        self.summary.setText(f"<table>{cells}</table>")

    def validatePage(self) -> bool:
        return self.wizard().save()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") or "（未填写）"
