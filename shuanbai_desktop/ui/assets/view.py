"""资产: the register, stock-taking and the required signage and equipment, as tabs."""

from __future__ import annotations

from ..context import AppContext
from ..tabbed_area import TabbedArea
from .checks_page import ChecksPage
from .register_page import AssetRegisterPage
from .stocktake_page import StockTakePage


class AssetsView(TabbedArea):
    """Pages are keyed like the navigation: ``assets.register``, ``assets.stocktake``, ``assets.checks``."""

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__([("assets.register", "资产登记", AssetRegisterPage(ctx)),
                          ("assets.stocktake", "资产盘点", StockTakePage(ctx)),
                          ("assets.checks", "配置检查", ChecksPage(ctx))], parent)
