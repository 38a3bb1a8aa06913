"""Terms of case work (R4): one code in the database, one Chinese label on screen and in print."""

from __future__ import annotations

from .labels import LabelledEnum


class TargetGroup(LabelledEnum):
    LOW_INCOME = ("dibao", "低保对象")
    EXTREME_POOR = ("tekun", "特困人员")
    DISABLED = ("disabled", "残疾人")
    CHILD_IN_DIFFICULTY = ("child_difficulty", "困境儿童")
    LEFT_BEHIND_CHILD = ("child_left_behind", "留守儿童")
    ELDERLY_IN_DIFFICULTY = ("elderly", "特殊困难老年人")
    LEFT_BEHIND_WOMAN = ("woman_left_behind", "留守妇女")
    OTHER = ("other", "其他")


class DisabilityType(LabelledEnum):
    NONE = ("", "无")
    VISION = ("vision", "视力残疾")
    HEARING = ("hearing", "听力残疾")
    SPEECH = ("speech", "言语残疾")
    PHYSICAL = ("physical", "肢体残疾")
    INTELLECTUAL = ("intellectual", "智力残疾")
    MENTAL = ("mental", "精神残疾")
    MULTIPLE = ("multiple", "多重残疾")


class DisabilityGrade(LabelledEnum):
    NONE = ("", "未评定")
    ONE = ("1", "一级")
    TWO = ("2", "二级")
    THREE = ("3", "三级")
    FOUR = ("4", "四级")


class Health(LabelledEnum):
    UNKNOWN = ("", "未填")
    HEALTHY = ("healthy", "健康")
    CHRONIC = ("chronic", "慢性病")
    SERIOUS = ("serious", "大病/重病")
    PARTLY_DEPENDENT = ("partly_dependent", "半失能")
    DEPENDENT = ("dependent", "失能")


class BenefitKind(LabelledEnum):
    DIBAO = ("dibao", "低保金")
    TEKUN = ("tekun", "特困供养金")
    DISABILITY = ("disability", "残疾人两项补贴")
    ELDERLY = ("elderly", "高龄津贴")
    TEMPORARY = ("temporary", "临时救助")
    OTHER = ("other", "其他")


class Relation(LabelledEnum):
    HEAD = ("head", "户主")
    SPOUSE = ("spouse", "配偶")
    CHILD = ("child", "子女")
    PARENT = ("parent", "父母")
    GRANDCHILD = ("grandchild", "孙子女")
    GRANDPARENT = ("grandparent", "祖父母")
    SIBLING = ("sibling", "兄弟姐妹")
    CHILD_IN_LAW = ("child_in_law", "儿媳/女婿")
    OTHER = ("other", "其他")


class Housing(LabelledEnum):
    UNKNOWN = ("", "未填")
    OWNED = ("owned", "自有住房")
    RENTED = ("rented", "租住")
    BORROWED = ("borrowed", "借住亲友")
    PUBLIC = ("public", "公租房/廉租房")
    INSTITUTION = ("institution", "集中供养")
    OTHER = ("other", "其他")


class HousingCondition(LabelledEnum):
    UNKNOWN = ("", "未填")
    GOOD = ("good", "良好")
    FAIR = ("fair", "一般")
    POOR = ("poor", "较差")
    DANGEROUS = ("dangerous", "危房")


class IncomeSource(LabelledEnum):
    WAGES = ("wages", "务工收入")
    FARMING = ("farming", "种养殖")
    BUSINESS = ("business", "经营收入")
    PENSION = ("pension", "养老金/退休金")
    ASSISTANCE = ("assistance", "政府救助补贴")
    FAMILY = ("family", "亲属资助")
    OTHER = ("other", "其他")


class VisitForm(LabelledEnum):
    HOME = ("home", "入户")
    PHONE = ("phone", "电话")
    GROUP = ("group", "集中")


class Risk(LabelledEnum):
    HIGH = ("high", "高")
    MEDIUM = ("medium", "中")
    LOW = ("low", "低")


class CaseStage(LabelledEnum):
    IDENTIFY = ("identify", "识别对象")
    ASSESS = ("assess", "分析需求")
    PLAN = ("plan", "制定计划")
    RESOURCES = ("resources", "协调资源")
    INTERVENE = ("intervene", "专业介入")
    FOLLOW_UP = ("follow_up", "跟踪问效")

    @property
    def number(self) -> int:
        return list(CaseStage).index(self) + 1

    @property
    def next(self) -> CaseStage | None:
        stages = list(CaseStage)
        i = stages.index(self)
        return stages[i + 1] if i + 1 < len(stages) else None


class CaseSource(LabelledEnum):
    VISIT = ("visit", "走访发现")
    WINDOW = ("window", "窗口转介")
    VILLAGE = ("village", "村居报告")
    SELF = ("self", "本人求助")
    DEPARTMENT = ("department", "部门转介")
    PLAN = ("plan", "服务计划转入")  # 一人一案的服务计划升级为个案 (services/targets/plans.escalate_plan)


class NeedType(LabelledEnum):
    MATERIAL = ("material", "物质")
    SPIRITUAL = ("spiritual", "精神")
    SOCIAL = ("social", "社会")
    CARE = ("care", "生活照料")
    MEDICAL = ("medical", "医疗康复")
    EDUCATION = ("education", "教育")
    EMPLOYMENT = ("employment", "就业")
    LEGAL = ("legal", "法律")


class SessionMethod(LabelledEnum):
    INTERVIEW = ("interview", "面谈")
    HOME = ("home", "家访")
    PHONE = ("phone", "电话")
    GROUP = ("group", "小组")
    ESCORT = ("escort", "陪同办理")
    OTHER = ("other", "其他")


class GoalResult(LabelledEnum):
    PENDING = ("", "未评估")
    ACHIEVED = ("achieved", "已达成")
    PARTLY = ("partly", "部分达成")
    NOT_ACHIEVED = ("not_achieved", "未达成")


class CaseOutcome(LabelledEnum):
    GOALS_MET = ("goals_met", "目标达成")
    PARTLY_MET = ("partly_met", "目标部分达成")
    REFERRED = ("referred", "转介其他机构")
    MOVED_OR_DIED = ("moved_or_died", "对象迁出或去世")
    DECLINED = ("declined", "对象拒绝服务")
    OTHER = ("other", "其他")

    @property
    def early_allowed(self) -> bool:
        """Outcomes that may end a case before 跟踪问效 (the person left, refused, went elsewhere)."""
        return self in (CaseOutcome.REFERRED, CaseOutcome.MOVED_OR_DIED, CaseOutcome.DECLINED)


class ResourceKind(LabelledEnum):
    MONEY = ("money", "慈善资金")
    GOODS = ("goods", "物资")
    SERVICE = ("service", "服务")
    POLICY = ("policy", "政策救助")
    VOLUNTEER = ("volunteer", "志愿服务")


class ReferralStatus(LabelledEnum):
    SENT = ("sent", "已转介")
    ACCEPTED = ("accepted", "已受理")
    DONE = ("done", "已办结")
    REFUSED = ("refused", "未受理")


class ActivityKind(LabelledEnum):
    GROUP = ("group", "小组活动")
    COMMUNITY = ("community", "社区活动")
    TRAINING = ("training", "培训讲座")
    OTHER = ("other", "其他")


class CaseStatus(LabelledEnum):
    OPEN = ("open", "进行中")
    CLOSED = ("closed", "已结案")


class PlanStatus(LabelledEnum):
    """一人一案 service plan (services/targets/plans.py)."""

    ACTIVE = ("active", "执行中")
    ESCALATED = ("escalated", "已转个案")
    ENDED = ("ended", "已结束")


class PlanFrequency(LabelledEnum):
    WEEKLY = ("weekly", "每周")
    FORTNIGHTLY = ("fortnightly", "每两周")
    MONTHLY = ("monthly", "每月")
    QUARTERLY = ("quarterly", "每季度")


class PlanReviewOutcome(LabelledEnum):
    CONTINUE = ("continue", "继续执行")
    ADJUST = ("adjust", "调整后继续")
    END = ("end", "需求已解决，结束计划")
