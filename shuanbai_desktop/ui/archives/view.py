"""档案: the catalogue, lending and retention review, as tabs."""

from __future__ import annotations

from ..context import AppContext
from ..tabbed_area import TabbedArea
from .catalogue_page import CataloguePage
from .loans_page import LoansPage
from .review_page import ReviewPage


class ArchivesView(TabbedArea):
    """Pages are keyed like the navigation: ``archives.catalogue``, ``archives.loans``, ``archives.review``."""

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__([("archives.catalogue", "档案目录", CataloguePage(ctx)),
                          ("archives.loans", "借阅登记", LoansPage(ctx)),
                          ("archives.review", "到期鉴定", ReviewPage(ctx))], parent)
