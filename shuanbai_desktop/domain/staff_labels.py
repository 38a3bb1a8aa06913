"""Terms of the staff files (R2): code ↔ Chinese label, with the order each term implies."""

from __future__ import annotations

from .labels import LabelledEnum


class Education(LabelledEnum):
    SECONDARY = ("secondary", "高中/中专及以下")
    COLLEGE = ("college", "大专")
    BACHELOR = ("bachelor", "本科")
    MASTER = ("master", "硕士研究生")
    DOCTOR = ("doctor", "博士研究生")


class Certificate(LabelledEnum):
    """Social work qualification (社会工作者职业资格), lowest first."""

    NONE = ("none", "无")
    ASSISTANT = ("assistant", "助理社会工作师")
    INTERMEDIATE = ("intermediate", "社会工作师")
    SENIOR = ("senior", "高级社会工作师")

    @property
    def rank(self) -> int:
        return list(Certificate).index(self)

    @property
    def certified(self) -> bool:
        return self is not Certificate.NONE


class Post(LabelledEnum):
    AFFAIRS = ("affairs", "事务性岗位")
    SERVICE = ("service", "服务性岗位")


class StaffRole(LabelledEnum):
    """The role decides the post: the first three sit at the station (事务性), the last at a point."""

    DEPUTY_HEAD = ("deputy_head", "副站长")
    AFFAIRS_WORKER = ("affairs_worker", "事务性岗位社工")
    DISABILITY_OFFICER = ("disability_officer", "残疾人专职委员")
    SERVICE_WORKER = ("service_worker", "服务性岗位社工")

    @property
    def post(self) -> Post:
        return Post.SERVICE if self is StaffRole.SERVICE_WORKER else Post.AFFAIRS


class Source(LabelledEnum):
    INTEGRATED = ("integrated", "整合")
    RECRUITED = ("recruited", "新招聘")


class StaffStatus(LabelledEnum):
    ACTIVE = ("active", "在岗")
    LEFT = ("left", "离职")


class ContractStatus(LabelledEnum):
    PENDING = ("pending", "未生效")
    ACTIVE = ("active", "履行中")
    EXPIRED = ("expired", "已到期")
    RENEWED = ("renewed", "已续签")
    TERMINATED = ("terminated", "已解除")


class TrainingKind(LabelledEnum):
    PRE_JOB = ("pre_job", "岗前培训")
    ON_JOB = ("on_job", "在岗培训")
    TOPIC = ("topic", "专题培训")
    CONTINUING = ("continuing", "继续教育")


class Grade(LabelledEnum):
    """Annual assessment grade (and third-party evaluation result), best first."""

    EXCELLENT = ("excellent", "优秀")
    GOOD = ("good", "良好")
    PASS = ("pass", "合格")
    FAIL = ("fail", "不合格")

    @property
    def passed(self) -> bool:
        return self is not Grade.FAIL


class Factor(LabelledEnum):
    """The performance-pay factors named by the plan (R2.4), in its order."""

    EDUCATION = ("education", "学历")
    QUALIFICATION = ("qualification", "职业资格")
    RESULTS = ("results", "业绩")
    POST = ("post", "岗位")
    SENIORITY = ("seniority", "工龄")
    HONOURS = ("honours", "荣誉")
    ACADEMIC = ("academic", "学术")
    STUDY_HOURS = ("study_hours", "学时")
    CERT_LEVEL = ("cert_level", "证书等级")

    @property
    def entered(self) -> bool:
        """Scored by the deputy head each month; the others follow from the staff file."""
        return self in (Factor.RESULTS, Factor.HONOURS, Factor.ACADEMIC)


class Insurance(LabelledEnum):
    """四险一金 (maternity insurance is part of medical insurance in Guangdong)."""

    PENSION = ("pension", "养老保险")
    MEDICAL = ("medical", "医疗保险")
    UNEMPLOYMENT = ("unemployment", "失业保险")
    INJURY = ("injury", "工伤保险")
    FUND = ("fund", "住房公积金")
