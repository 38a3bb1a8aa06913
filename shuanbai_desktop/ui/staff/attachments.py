"""The staff records' attachments: the shared dialog (ui/attachments_dialog.py) with the descriptions
each record type usually has."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from ..attachments_dialog import AttachmentsDialog
from ..context import AppContext

PRESETS = {"staff_member": ("证件照", "身份证复印件", "学历证书", "职业资格证书", "督导证", "其他材料"),
           "staff_contract": ("劳动合同扫描件", "续签审批表", "解除合同证明", "其他材料"),
           "staff_training": ("结业证书", "签到表", "培训通知", "其他材料"),
           "staff_supervision": ("签到表", "督导记录表", "其他材料"),
           "staff_evaluation": ("评估报告", "评估反馈意见", "其他材料")}


def staff_attachments(ctx: AppContext, owner_type: str, owner_id: int, title: str, editable: bool,
                      parent: QWidget) -> AttachmentsDialog:
    return AttachmentsDialog(ctx, owner_type, owner_id, title, editable=editable, parent=parent,
                             presets=PRESETS.get(owner_type, ("其他材料",)))
