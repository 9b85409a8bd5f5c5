"""The counter app's one stylesheet, wide (1366×768) or compact (a narrow side window)."""

TEAL, TEAL_DARK, RED, AMBER = "#00695C", "#004D40", "#B71C1C", "#FFB300"


def stylesheet(compact: bool) -> str:
    base, code, small, button = (14, 64, 12, 13) if compact else (17, 150, 14, 17)
    return f"""
QWidget {{ font-family: "Segoe UI", "Noto Sans", "DejaVu Sans"; font-size: {base}px; color: #102A27; }}
#root {{ background: #EEF4F2; }}
#card {{ background: white; border: 1px solid #D5E3E0; border-radius: 10px; }}
#panel {{ background: #FFF8E1; border: 2px solid {AMBER}; border-radius: 10px; }}
#title {{ font-size: {base + 8}px; font-weight: 800; color: {TEAL_DARK}; }}
#heading {{ font-size: {base + 1}px; font-weight: 700; color: {TEAL_DARK}; }}
#muted, #field {{ color: #455A64; }}
#error {{ color: {RED}; font-weight: 600; }}
#banner {{ background: {RED}; color: white; font-weight: 700; padding: 6px 10px; border-radius: 6px; }}
#counterName {{ font-size: {base + 6}px; font-weight: 800; color: {TEAL_DARK}; }}
#status {{ font-weight: 800; padding: 2px 10px; border-radius: 8px; }}
#bigCode {{ font-size: {code}px; font-weight: 900; color: {TEAL_DARK}; }}
#ticketStatus {{ font-size: {base + 2}px; font-weight: 700; color: #37474F; }}
#service {{ font-size: {base + 3}px; }}
#priority {{ background: {AMBER}; color: #1A1A1A; font-weight: 800; border-radius: 6px; padding: 2px 8px; }}
#queues, #today {{ font-size: {base + 1}px; }}
#question {{ font-weight: 700; }}
QLineEdit {{ padding: 6px; border: 2px solid #B0C4C0; border-radius: 6px; background: white; }}
QLineEdit:focus {{ border-color: {TEAL}; }}
QListWidget {{ border: 1px solid #B0C4C0; border-radius: 6px; background: white; }}
QListWidget::item {{ padding: 4px; }}
QListWidget::item:selected {{ background: {TEAL}; color: white; }}
QPushButton {{ padding: 6px 14px; border-radius: 8px; border: 2px solid {TEAL}; background: white;
               color: {TEAL_DARK}; font-weight: 600; }}
QPushButton:disabled {{ border-color: #CFD8DC; color: #637178; background: #F5F7F7; }}
QPushButton#primary {{ background: {TEAL}; color: white; border: none; padding: 8px 14px; }}
QPushButton#small {{ font-size: {small}px; padding: 3px 8px; }}
QPushButton#action {{ font-size: {button}px; font-weight: 700; min-height: {30 if compact else 56}px;
                      padding: {'2px 4px' if compact else '6px 14px'}; }}
QPushButton#action:!disabled {{ background: #E0F2F1; }}
"""
