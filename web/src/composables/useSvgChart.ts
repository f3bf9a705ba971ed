// An ECharts chart drawn as SVG in an element: created when the component mounts,
// drawn by `render(chart)` then and whenever `sources` change, resized with its
// element, disposed on unmount. SVG keeps the labels in the DOM (phones, tests).
import { onBeforeUnmount, onMounted, watch, type Ref, type WatchSource } from 'vue'
import * as echarts from 'echarts/core'

export function useSvgChart(
  el: Ref<HTMLElement | null>,
  render: (chart: echarts.ECharts) => void,
  sources: WatchSource[],
): () => echarts.ECharts | null {
  let chart: echarts.ECharts | null = null
  let observer: ResizeObserver | null = null
  const draw = () => {
    if (chart) render(chart)
  }
  onMounted(() => {
    if (!el.value) return
    chart = echarts.init(el.value, undefined, { renderer: 'svg' })
    draw()
    observer = new ResizeObserver(() => chart?.resize())
    observer.observe(el.value)
  })
  watch(sources, draw)
  onBeforeUnmount(() => {
    observer?.disconnect()
    chart?.dispose()
    chart = null
  })
  return () => chart
}
