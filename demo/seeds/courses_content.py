"""Words for the demo catalogue: topics per category in Chinese and English."""

# category slug -> list of (Chinese title, English title, Chinese subtitle, English subtitle)
TOPICS: dict[str, list[tuple[str, str, str, str]]] = {
    "programming": [
        (
            "编程思维入门：从零写出第一个程序",
            "Thinking like a programmer",
            "变量、循环、函数，一步一步来",
            "Variables, loops and functions, one step at a time",
        ),
        (
            "Git 与团队协作实战",
            "Git and teamwork in practice",
            "分支、合并、代码评审",
            "Branches, merges and code review",
        ),
        (
            "数据结构与算法精讲",
            "Data structures and algorithms explained",
            "面试和工作都用得上",
            "For interviews and for real work",
        ),
        (
            "Linux 命令行高效工作",
            "Productive on the Linux command line",
            "Shell、管道与自动化脚本",
            "Shell, pipes and automation scripts",
        ),
    ],
    "python": [
        (
            "Python 编程基础",
            "Python programming basics",
            "零基础也能学会的 Python",
            "Python for complete beginners",
        ),
        (
            "Python 数据分析实战",
            "Data analysis with Python",
            "用 pandas 处理真实数据",
            "Real data with pandas",
        ),
        (
            "Python 自动化办公",
            "Automate the office with Python",
            "Excel、邮件、文件批量处理",
            "Excel, email and batch file jobs",
        ),
        (
            "Django 网站开发实战",
            "Building websites with Django",
            "从模型到上线部署",
            "From models to deployment",
        ),
    ],
    "web": [
        (
            "前端开发入门：HTML 与 CSS",
            "Front-end basics: HTML and CSS",
            "做出第一个漂亮网页",
            "Build your first good-looking page",
        ),
        (
            "JavaScript 现代语法全解",
            "Modern JavaScript in depth",
            "ES6+ 与异步编程",
            "ES6+ and asynchronous code",
        ),
        (
            "React 项目实战",
            "React by building projects",
            "组件、状态与路由",
            "Components, state and routing",
        ),
        (
            "Web 性能优化指南",
            "A guide to web performance",
            "让网站快三倍",
            "Make your site three times faster",
        ),
    ],
    "data-science": [
        (
            "数据科学导论",
            "Introduction to data science",
            "从问题到结论的完整流程",
            "From a question to a conclusion",
        ),
        (
            "统计学基础与实践",
            "Statistics for practitioners",
            "假设检验、回归、置信区间",
            "Tests, regression and confidence intervals",
        ),
        (
            "SQL 数据查询与分析",
            "SQL for data analysis",
            "写出又快又准的查询",
            "Queries that are fast and right",
        ),
        (
            "数据可视化：讲好数据故事",
            "Data visualisation that tells a story",
            "图表选择与设计原则",
            "Choosing and designing charts",
        ),
    ],
    "machine-learning": [
        (
            "机器学习入门",
            "Machine learning for beginners",
            "监督学习与模型评估",
            "Supervised learning and evaluation",
        ),
        (
            "深度学习与神经网络",
            "Deep learning and neural networks",
            "从感知机到 Transformer",
            "From the perceptron to transformers",
        ),
        (
            "推荐系统原理与实践",
            "Recommender systems in practice",
            "协同过滤与矩阵分解",
            "Collaborative filtering and factorisation",
        ),
        (
            "自然语言处理实战",
            "Natural language processing in practice",
            "分词、向量与文本分类",
            "Tokens, embeddings and classification",
        ),
    ],
    "business": [
        (
            "商业模式设计",
            "Designing business models",
            "画布方法与案例拆解",
            "The canvas and case studies",
        ),
        (
            "项目管理实战",
            "Project management in practice",
            "计划、风险与沟通",
            "Plans, risks and communication",
        ),
        (
            "创业从 0 到 1",
            "Starting up from zero to one",
            "验证想法、找到客户",
            "Validate ideas, find customers",
        ),
        (
            "高效沟通与演讲",
            "Clear communication and public speaking",
            "结构化表达的秘诀",
            "The secret of structured talk",
        ),
    ],
    "marketing": [
        (
            "新媒体运营实战",
            "Social media marketing in practice",
            "内容、增长与数据复盘",
            "Content, growth and analytics",
        ),
        (
            "品牌营销策略",
            "Brand marketing strategy",
            "定位、传播与口碑",
            "Positioning, reach and word of mouth",
        ),
        (
            "私域流量运营",
            "Community-led growth",
            "社群与用户留存",
            "Communities and retention",
        ),
        (
            "短视频营销入门",
            "Short video marketing",
            "脚本、拍摄与投放",
            "Scripts, shooting and promotion",
        ),
    ],
    "finance": [
        (
            "个人理财入门",
            "Personal finance basics",
            "预算、储蓄与保险",
            "Budgets, savings and insurance",
        ),
        (
            "读懂财务报表",
            "Reading financial statements",
            "资产负债表、利润表、现金流量表",
            "Balance sheet, income and cash flow",
        ),
        (
            "家庭资产配置",
            "Asset allocation for families",
            "稳健理财的长期方法",
            "A calm long-term approach",
        ),
        (
            "公司金融基础",
            "Corporate finance fundamentals",
            "估值、资本成本与投资决策",
            "Valuation, cost of capital, decisions",
        ),
    ],
    "investing": [
        (
            "基金定投实战",
            "Investing in index funds",
            "指数基金与长期复利",
            "Index funds and compounding",
        ),
        (
            "股票投资入门",
            "Stock investing for beginners",
            "价值投资的基本功",
            "The groundwork of value investing",
        ),
        (
            "债券与固定收益",
            "Bonds and fixed income",
            "利率、久期与信用",
            "Rates, duration and credit",
        ),
        (
            "量化投资初探",
            "A first look at quantitative investing",
            "用数据检验策略",
            "Testing strategies with data",
        ),
    ],
    "design": [
        (
            "设计思维与创新",
            "Design thinking and innovation",
            "以用户为中心解决问题",
            "Human-centred problem solving",
        ),
        (
            "UI 设计入门",
            "UI design basics",
            "排版、色彩与组件",
            "Type, colour and components",
        ),
        (
            "Figma 从入门到精通",
            "Figma from beginner to pro",
            "原型与设计系统",
            "Prototypes and design systems",
        ),
        (
            "平面设计基础",
            "Graphic design fundamentals",
            "海报与版式设计",
            "Posters and layout",
        ),
    ],
    "photography": [
        (
            "手机摄影技巧",
            "Smartphone photography",
            "构图与光线的秘密",
            "Composition and light",
        ),
        (
            "人像摄影入门",
            "Portrait photography",
            "布光、姿势与沟通",
            "Lighting, posing and rapport",
        ),
        (
            "Lightroom 后期调色",
            "Editing in Lightroom",
            "调色与风格统一",
            "Colour grading and a consistent look",
        ),
        (
            "风光摄影实战",
            "Landscape photography",
            "器材、天气与时机",
            "Gear, weather and timing",
        ),
    ],
    "languages": [
        (
            "日语五十音速成",
            "Japanese kana in two weeks",
            "平假名与片假名",
            "Hiragana and katakana",
        ),
        (
            "零基础学韩语",
            "Korean for complete beginners",
            "发音与日常对话",
            "Sounds and everyday talk",
        ),
        (
            "法语入门",
            "French for beginners",
            "发音规则与基础语法",
            "Pronunciation and basic grammar",
        ),
        (
            "西班牙语旅行会话",
            "Spanish for travellers",
            "机场、酒店与餐厅",
            "Airports, hotels and restaurants",
        ),
    ],
    "english": [
        (
            "英语口语突破",
            "Speak English with confidence",
            "地道表达与发音纠正",
            "Natural phrases and pronunciation",
        ),
        (
            "雅思写作高分攻略",
            "IELTS writing for a high band",
            "大小作文结构与范文",
            "Task 1 and 2 structure and samples",
        ),
        (
            "商务英语写作",
            "Business English writing",
            "邮件、报告与会议纪要",
            "Emails, reports and minutes",
        ),
        (
            "英语语法精讲",
            "English grammar explained",
            "时态、从句与常见错误",
            "Tenses, clauses and common mistakes",
        ),
    ],
    "humanities": [
        (
            "中国通史十五讲",
            "Fifteen lectures on Chinese history",
            "从先秦到近代",
            "From antiquity to modern times",
        ),
        (
            "西方哲学简史",
            "A short history of Western philosophy",
            "从苏格拉底到维特根斯坦",
            "From Socrates to Wittgenstein",
        ),
        (
            "唐诗宋词鉴赏",
            "Reading Tang and Song poetry",
            "意象、格律与情感",
            "Imagery, metre and feeling",
        ),
        (
            "艺术史入门",
            "Introduction to art history",
            "看懂一幅画",
            "How to read a painting",
        ),
    ],
    "psychology": [
        (
            "心理学入门",
            "Introduction to psychology",
            "认识自己与他人",
            "Understanding yourself and others",
        ),
        (
            "情绪管理与压力应对",
            "Managing emotions and stress",
            "实用的自我调节方法",
            "Practical self-regulation",
        ),
        (
            "认知心理学",
            "Cognitive psychology",
            "记忆、注意与决策",
            "Memory, attention and decisions",
        ),
        (
            "积极心理学与幸福感",
            "Positive psychology and wellbeing",
            "科学地提升幸福",
            "Raising wellbeing with evidence",
        ),
    ],
    "health": [
        ("居家健身计划", "Home workout plan", "无器械也能练", "No equipment needed"),
        (
            "科学饮食与营养",
            "Nutrition made simple",
            "吃得健康不挨饿",
            "Eat well without going hungry",
        ),
        (
            "瑜伽入门",
            "Yoga for beginners",
            "体式、呼吸与放松",
            "Poses, breath and relaxation",
        ),
        ("睡眠改善指南", "Sleep better", "建立好的作息", "Building good habits"),
    ],
}

SECTION_TITLES = {
    "zh-hans": ["课程导学", "核心概念", "动手实践", "进阶与拓展", "复习与总结"],
    "en": [
        "Getting started",
        "Core ideas",
        "Hands-on practice",
        "Going further",
        "Review",
    ],
}
LESSON_TITLES = {
    "zh-hans": [
        "为什么学这门课",
        "关键术语",
        "第一个练习",
        "常见误区",
        "案例分析",
        "小结",
    ],
    "en": [
        "Why this course",
        "Key terms",
        "A first exercise",
        "Common mistakes",
        "A case study",
        "Wrap-up",
    ],
}

DESCRIPTION = {
    "zh-hans": """## 你将学到什么

{subtitle}。这门课由 **{creator}** 主讲，适合{level}学员。

- 系统掌握 {title} 的核心知识
- 通过案例和练习把知识用起来
- 课程配套讲义与练习，学完可获得结业证书

## 适合谁

想系统学习「{title}」的同学，无论你是学生、职场新人还是想转型的从业者。

| 模块 | 内容 |
|---|---|
| 导学 | 学习路线与方法 |
| 核心 | 概念、原理与示例 |
| 实践 | 练习与项目 |
""",
    "en": """## What you will learn

{subtitle}. Taught by **{creator}**, for {level} learners.

- The core ideas of {title}, in a clear order
- Practice with worked examples and exercises
- Notes and exercises included; a certificate when you finish

## Who it is for

Anyone who wants a structured path through "{title}": students, new professionals and career changers.

| Module | Content |
|---|---|
| Start | Roadmap and method |
| Core | Concepts, principles, examples |
| Practice | Exercises and a project |
""",
}

ARTICLE = {
    "zh-hans": """本节是「{title}」的一部分。先读一遍要点，再动手练习。

## 要点

1. 先理解概念，再记细节
2. 每学一个知识点，就写一个小例子
3. 遇到问题，先自己查文档，再到社区提问

## 示例

```python
def practice(days: int) -> str:
    return f"坚持练习 {{days}} 天，你会看到变化"

print(practice(21))
```

> 学习是一场马拉松，而不是短跑。

## 练习

- 用自己的话复述本节内容
- 找一个身边的例子应用它
""",
    "en": """This lesson is part of "{title}". Read the key points first, then practise.

## Key points

1. Understand the idea before the details
2. Write a small example for every new idea
3. When stuck, read the docs, then ask the community

## Example

```python
def practice(days: int) -> str:
    return f"Practise for {{days}} days and you will see the change"

print(practice(21))
```

> Learning is a marathon, not a sprint.

## Exercise

- Explain this lesson in your own words
- Apply it to an example from your own life
""",
}

# Titles of the practice lessons that close some sections (the learning seed
# writes their questions and instructions).
QUIZ_TITLE = {"zh-hans": "本章小测验", "en": "Section quiz"}
ASSIGNMENT_TITLE = {"zh-hans": "课后作业", "en": "Assignment"}

REVIEW_TEXTS = {
    "high": [
        "讲得非常清楚，案例很实用，收获很大！",
        "老师节奏把握得很好，练习设计用心，推荐。",
        "Clear explanations and useful exercises. Highly recommended.",
        "Exactly what I needed; the examples are practical.",
        "内容扎实，学完马上就能用到工作中。",
    ],
    "mid": [
        "整体不错，个别章节可以再深入一些。",
        "Good overview, but I wanted more advanced material.",
        "还可以，适合入门。",
        "Decent course; some videos are a bit long.",
    ],
    "low": [
        "和我预期的不太一样，内容偏基础。",
        "Not quite what I was looking for.",
    ],
}
