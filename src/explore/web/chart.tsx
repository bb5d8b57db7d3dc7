import { BarChart, ScatterChart, TreemapChart } from 'echarts/charts';
import { GeoComponent, GridComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'preact/hooks';

echarts.use([BarChart, TreemapChart, ScatterChart, GridComponent, TooltipComponent, GeoComponent, SVGRenderer]);

export { echarts };

export interface ChartProps {
  option: echarts.EChartsCoreOption;
  /** What the chart shows, for screen readers; the table beside it holds the same data. */
  label: string;
  height?: number;
  onClick?: (params: { dataIndex: number; name: string }) => void;
  onReady?: (chart: echarts.ECharts) => void;
}

/** An ECharts chart drawn as SVG, so its labels are text in the page. */
export function Chart({ option, label, height = 420, onClick, onReady }: ChartProps) {
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | undefined>(undefined);
  const click = useRef(onClick);
  click.current = onClick;
  useEffect(() => {
    const instance = echarts.init(element.current!, undefined, { renderer: 'svg' });
    chart.current = instance;
    instance.on('click', (params) => click.current?.(params as unknown as { dataIndex: number; name: string }));
    onReady?.(instance);
    const resize = () => instance.resize();
    addEventListener('resize', resize);
    return () => {
      removeEventListener('resize', resize);
      instance.dispose();
    };
  }, []);
  useEffect(() => {
    chart.current?.setOption({ animation: false, ...option }, { replaceMerge: ['series'] });
  }, [option]);
  return <div class="chart" ref={element} role="img" aria-label={label} style={{ height: `${height}px` }} />;
}
