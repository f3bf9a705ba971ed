// Element Plus components the console uses, registered one by one so the bundle
// carries only these (the stylesheet is the whole theme: one file, cached for a year).
// Child components (ElRadioButton, ElTableColumn, …) are installed by their parent
// (ElRadio, ElTable, …); tests/unit/components.test.ts checks every <el-*> tag resolves.
import type { App } from 'vue'
import {
  ElAlert,
  ElAside,
  ElAutocomplete,
  ElBreadcrumb,
  ElBreadcrumbItem,
  ElButton,
  ElCard,
  ElCheckbox,
  ElCol,
  ElCollapse,
  ElCollapseItem,
  ElConfigProvider,
  ElContainer,
  ElDatePicker,
  ElDescriptions,
  ElDescriptionsItem,
  ElDialog,
  ElDrawer,
  ElDropdown,
  ElDropdownItem,
  ElDropdownMenu,
  ElEmpty,
  ElForm,
  ElFormItem,
  ElHeader,
  ElIcon,
  ElInput,
  ElInputNumber,
  ElLoading,
  ElMain,
  ElOption,
  ElProgress,
  ElRadio,
  ElRadioButton,
  ElRadioGroup,
  ElRow,
  ElSelect,
  ElSkeleton,
  ElSlider,
  ElSwitch,
  ElTable,
  ElTableColumn,
  ElTabPane,
  ElTabs,
  ElTag,
  ElTimeline,
  ElTimelineItem,
  ElTooltip,
  ElTree,
} from 'element-plus'
import 'element-plus/dist/index.css'

const components = [
  ElAlert, ElAside, ElAutocomplete, ElBreadcrumb, ElBreadcrumbItem, ElButton, ElCard, ElCheckbox, ElCol, ElCollapse, ElCollapseItem, ElConfigProvider,
  ElContainer, ElDatePicker, ElDescriptions, ElDescriptionsItem, ElDialog, ElDrawer, ElDropdown, ElDropdownItem, ElDropdownMenu,
  ElEmpty, ElForm, ElFormItem, ElHeader, ElIcon, ElInput, ElInputNumber, ElMain, ElOption, ElProgress, ElRadio, ElRadioButton, ElRadioGroup,
  ElRow, ElSelect, ElSkeleton, ElSlider, ElSwitch, ElTable, ElTableColumn, ElTabPane, ElTabs, ElTag, ElTimeline, ElTimelineItem,
  ElTooltip, ElTree,
]

export function installElementPlus(app: App): void {
  for (const c of components) app.use(c)
  app.use(ElLoading)
}
