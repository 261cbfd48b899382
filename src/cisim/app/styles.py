"""The page's style sheet: one screen, designed at 1280 × 720 for a projector.

The page is a grid the height of the window: the top bar, the levers on the left, and the main
area, whose boxes the charts fill (:mod:`cisim.app.vega`). With one world the network and the
story sit side by side above the panels over time; with two worlds the two networks, then the two
stories, then the panels. Text a class reads is 14 px or more (:data:`MIN_TEXT_PX`). Below
1024 × 640 the page scrolls rather than shrink further.
"""

from __future__ import annotations

__all__ = ["CSS", "MIN_TEXT_PX"]

#: The smallest text the page draws, in pixels (the browser test measures it).
MIN_TEXT_PX = 14

CSS = """
html, body { margin: 0; overflow: auto; }
.v-application { font-size: 16px; }
.cisim-app {
  display: grid; box-sizing: border-box;
  grid-template-columns: 300px minmax(0, 1fr);
  grid-template-rows: 56px minmax(0, 1fr);
  grid-template-areas: "top top" "side main";
  width: 100vw; height: 100vh; min-width: 1000px; min-height: 640px;
  font-size: 16px; color: #222; background: #fff;
}
.cisim-topbar {
  grid-area: top; display: flex; align-items: center; gap: 8px; padding: 0 10px;
  border-bottom: 1px solid #ddd; background: #f6f7f9; overflow: hidden;
}
.cisim-name { font-size: 18px; font-weight: 600; white-space: nowrap; margin-right: 6px; }
@media (max-width: 1399px) { .cisim-name { display: none; } }
.cisim-topbar .v-btn { font-size: 15px !important; text-transform: none; letter-spacing: 0; }
.cisim-topbar .v-input { flex: 0 0 auto; font-size: 15px; }
.cisim-field-name { font-size: 15px; color: #333; }
.cisim-preset { width: 160px; }
.cisim-seed { width: 70px; }
.cisim-speed { width: 140px; }
.cisim-guide, .cisim-key { margin-left: 0; }
.cisim-topbar .cisim-guide { margin-left: auto; }
.cisim-sidebar {
  grid-area: side; overflow-y: auto; padding: 4px 12px 8px 12px; border-right: 1px solid #ddd;
  font-size: 15px;
}
.cisim-heading { font-size: 16px; margin: 6px 0 0 0; }
.cisim-muted { color: #555; font-size: 14px; font-weight: normal; }
.cisim-row { display: grid; grid-template-columns: 118px minmax(0, 1fr); align-items: center;
  column-gap: 6px; min-height: 34px; }
.cisim-row label { font-size: 14px; line-height: 1.15; color: #222; }
.cisim-row .v-input { margin: 0; padding: 0; font-size: 15px; }
.cisim-row .v-select .v-select__selection { font-size: 15px; }
.cisim-lever.v-input--switch { margin: 2px 0 2px 0; padding: 0; }
.cisim-lever .v-label, .cisim-sidebar .v-label { font-size: 15px; color: #222 !important; }
.v-slider__thumb-label { font-size: 14px !important; }
.cisim-error { color: #9b1c1c; font-size: 15px; margin: 4px 0; }
.cisim-main {
  grid-area: main; position: relative; display: grid; gap: 6px 10px; padding: 6px 10px;
  min-height: 0; min-width: 0;
}
.cisim-one .cisim-main {
  grid-template-columns: minmax(0, 1.15fr) minmax(0, 1fr);
  grid-template-rows: minmax(0, 1fr) 214px;
  grid-template-areas: "w0 s0" "time time";
}
.cisim-two .cisim-main {
  grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
  grid-template-rows: minmax(0, 1fr) 150px 190px;
  grid-template-areas: "w0 w1" "s0 s1" "time time";
}
.cisim-world { display: flex; flex-direction: column; min-height: 0; min-width: 0; }
.cisim-world-0 { grid-area: w0; }
.cisim-world-1 { grid-area: w1; }
.cisim-title { font-size: 17px; font-weight: 600; white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; }
.cisim-status { font-size: 15px; line-height: 1.3; }
.cisim-network { flex: 1 1 auto; min-height: 0; }
.cisim-story { display: flex; flex-direction: column; min-height: 0; min-width: 0; }
.cisim-story-0 { grid-area: s0; }
.cisim-story-1 { grid-area: s1; }
.cisim-log { flex: 1 1 auto; overflow-y: auto; font-size: 15px; line-height: 1.3;
  border-top: 1px solid #eee; padding-top: 2px; }
.cisim-event { margin: 0 0 4px 0; }
.cisim-empty { color: #555; }
.cisim-event-setback, .cisim-event-dissolved, .cisim-event-exit { color: #9b1c1c; }
.cisim-event-win, .cisim-event-entry, .cisim-event-broker, .cisim-event-join { color: #14632b; }
.cisim-event-lever, .cisim-event-timeline { color: #4b2a86; font-weight: 600; }
.cisim-event-regime, .cisim-event-end { font-weight: bold; }
.cisim-over-time { grid-area: time; display: flex; flex-direction: column; min-height: 0; }
.cisim-world-key { font-size: 15px; white-space: nowrap; overflow: hidden; }
.cisim-panels { flex: 1 1 auto; min-height: 0; display: grid; gap: 8px;
  grid-template-columns: repeat(6, minmax(0, 1fr)); }
.cisim-chart { min-height: 0; min-width: 0; }
.cisim-swatch { display: inline-block; width: 22px; height: 6px; border-radius: 2px;
  vertical-align: middle; margin: 0 6px 0 4px; }
@media (max-width: 1150px) {
  .cisim-app { grid-template-columns: 272px minmax(0, 1fr); }
  .cisim-row { grid-template-columns: 108px minmax(0, 1fr); }
}
@media (min-width: 1600px) and (min-height: 900px) {
  .cisim-app { grid-template-columns: 360px minmax(0, 1fr); grid-template-rows: 64px minmax(0, 1fr);
    font-size: 18px; }
  .cisim-row { grid-template-columns: 150px minmax(0, 1fr); min-height: 42px; }
  .cisim-row label, .cisim-muted { font-size: 16px; }
  .cisim-sidebar, .cisim-status, .cisim-log, .cisim-world-key { font-size: 18px; }
  .cisim-lever .v-label, .cisim-sidebar .v-label, .cisim-heading { font-size: 18px; }
  .cisim-title { font-size: 20px; }
  .cisim-topbar .v-btn { font-size: 18px !important; }
  .cisim-name { font-size: 21px; }
  .cisim-one .cisim-main { grid-template-rows: minmax(0, 1fr) 300px; }
  .cisim-two .cisim-main { grid-template-rows: minmax(0, 1fr) 190px 270px; }
}
.cisim-overlay {
  position: absolute; top: 0; right: 0; bottom: 0; width: min(520px, 100%); overflow-y: auto;
  background: #fff; border-left: 2px solid #999; box-shadow: -4px 0 12px rgba(0,0,0,.15);
  padding: 8px 16px; font-size: 16px; z-index: 5;
}
.cisim-overlay h3 { font-size: 19px; margin: 4px 0 8px 0; }
.cisim-overlay li { margin-bottom: 4px; }
.cisim-overlay ul { padding-left: 20px; }
.cisim-overlay ul.cisim-sectors { list-style: none; padding-left: 4px; }
.cisim-dot { font-size: 24px; line-height: 1; vertical-align: middle; }
"""
