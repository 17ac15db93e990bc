package io.jtcp.lab;

import java.awt.Color;
import java.awt.Rectangle;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.text.TextUtils;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;

/** The lab's plots, drawn by JFreeChart and written as SVG text by JFreeSVG. */
public final class Charts {
    public static final String LOSS_AXIS = "random loss (%)";
    public static final String GOODPUT_AXIS = "goodput (Mbit/s)";
    public static final String TIME_AXIS = "time (s)";
    public static final String CWND_AXIS = "cwnd (KB)";
    public static final String RTT_AXIS = "smoothed RTT (ms)";
    public static final String FAIRNESS_AXIS = "goodput, second half (Mbit/s)";

    private static final int WIDTH = 900;
    private static final int HEIGHT = 560;
    private static final int MAX_POINTS = 2000;
    private static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e),
        new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f)
    };

    static {
        // Rotated labels (the vertical axes') otherwise go through TextLayout, which an SVG
        // Graphics2D can only draw as glyph outlines: no text to search, select or check.
        TextUtils.setUseDrawRotatedStringWorkaround(false);
    }

    private Charts() {}

    /**
     * Goodput against random loss on a logarithmic loss axis, one line per algorithm (and per path,
     * when the matrix varies rate, RTT, queue or flows). Cells without loss cannot sit on a log
     * axis: they are left out, and the subtitle says so.
     */
    public static String goodputVsLoss(List<CellResult> results) {
        Map<String, XYSeries> lines = new LinkedHashMap<>();
        boolean varied =
                results.stream().map(r -> pathLabel(r.cell())).distinct().count() > 1;
        boolean zeroLeftOut = false;
        for (CellResult r : results) {
            Cell c = r.cell();
            if (c.loss() == 0) {
                zeroLeftOut = true;
                continue;
            }
            String key = varied ? c.cc() + " " + pathLabel(c) : c.cc();
            lines.computeIfAbsent(key, k -> new XYSeries(k, true, true))
                    .addOrUpdate(c.loss() * 100, r.total().goodputMbit());
        }
        XYSeriesCollection data = new XYSeriesCollection();
        lines.values().forEach(data::addSeries);
        JFreeChart chart = ChartFactory.createXYLineChart(
                "Goodput vs random loss", LOSS_AXIS, GOODPUT_AXIS, data, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        LogAxis loss = new LogAxis(LOSS_AXIS);
        loss.setSmallestValue(1e-6);
        loss.setTickUnit(new NumberTickUnit(1)); // one tick a decade, labelled 0.01, 0.1, 1
        loss.setNumberFormatOverride(new DecimalFormat("0.######", DecimalFormatSymbols.getInstance(Locale.ROOT)));
        loss.setLowerMargin(0.05);
        loss.setUpperMargin(0.05);
        plot.setDomainAxis(loss);
        plot.setRenderer(new XYLineAndShapeRenderer(true, true));
        if (!varied && !results.isEmpty()) {
            chart.addSubtitle(new TextTitle(pathLabel(results.get(0).cell())));
        }
        if (zeroLeftOut) {
            chart.addSubtitle(new TextTitle("cells with 0 loss are not on the log axis (see results.csv)"));
        }
        style(chart);
        return svg(chart);
    }

    /** One cell's congestion window (top) and smoothed RTT (bottom) over time, one line per flow. */
    public static String cwndAndRtt(CellResult result) {
        XYSeriesCollection cwnd = new XYSeriesCollection();
        XYSeriesCollection rtt = new XYSeriesCollection();
        for (int f = 0; f < result.series().size(); f++) {
            Series s = result.series().get(f);
            XYSeries w = new XYSeries("flow " + f, true, true);
            XYSeries r = new XYSeries("flow " + f, true, true);
            // At most ~MAX_POINTS points a line: the CSV has every sample, the picture needs fewer.
            final int stride = Math.max(1, (s.rows() + MAX_POINTS - 1) / MAX_POINTS);
            for (int i = 0; i < s.rows(); i += stride) {
                w.add(s.t(i), s.get(Series.Column.CWND, i) / 1000.0, false);
                r.add(s.t(i), s.get(Series.Column.SRTT_MS, i), false);
            }
            cwnd.addSeries(w);
            rtt.addSeries(r);
        }
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(new NumberAxis(TIME_AXIS));
        XYLineAndShapeRenderer cwndLines = new XYLineAndShapeRenderer(true, false);
        XYLineAndShapeRenderer rttLines = new XYLineAndShapeRenderer(true, false);
        for (int f = 0; f < result.series().size(); f++) {
            // One colour per flow in both panels, and one legend entry per flow.
            cwndLines.setSeriesPaint(f, PALETTE[f % PALETTE.length]);
            rttLines.setSeriesPaint(f, PALETTE[f % PALETTE.length]);
        }
        rttLines.setDefaultSeriesVisibleInLegend(false);
        plot.add(new XYPlot(cwnd, null, new NumberAxis(CWND_AXIS), cwndLines), 1);
        plot.add(new XYPlot(rtt, null, new NumberAxis(RTT_AXIS), rttLines), 1);
        JFreeChart chart =
                new JFreeChart("cwnd and RTT: " + result.cell().name(), JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        style(chart);
        return svg(chart);
    }

    /** Each flow's second-half goodput, grouped by cell: the shares behind Jain's index. */
    public static String fairness(List<CellResult> results) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (CellResult r : results) {
            Cell c = r.cell();
            String column = String.format(
                    Locale.ROOT,
                    "%s %s %sms loss %s%% q=%s, %d flows, J=%.3f",
                    c.cc(),
                    Units.formatRate(c.rateBitsPerSec()),
                    QueueSize.trim(c.rttNs() / 1e6),
                    ResultsCsv.num(c.loss() * 100),
                    c.queue().label(),
                    c.flows(),
                    r.jain());
            for (FlowResult f : r.flows()) {
                data.addValue(f.goodputLastHalfMbit(), "flow " + f.flow(), column);
            }
        }
        JFreeChart chart = ChartFactory.createBarChart(
                "Per-flow goodput (fairness)",
                "cell",
                FAIRNESS_AXIS,
                data,
                PlotOrientation.VERTICAL,
                true,
                false,
                false);
        CategoryAxis cells = chart.getCategoryPlot().getDomainAxis();
        cells.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        cells.setMaximumCategoryLabelLines(2);
        style(chart);
        return svg(chart);
    }

    private static String pathLabel(Cell c) {
        return Units.formatRate(c.rateBitsPerSec()) + " " + QueueSize.trim(c.rttNs() / 1e6) + "ms q="
                + c.queue().label() + (c.flows() > 1 ? " " + c.flows() + " flows" : "");
    }

    private static void style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
        Plot plot = chart.getPlot();
        plot.setBackgroundPaint(Color.WHITE);
        if (plot instanceof CombinedDomainXYPlot combined) {
            for (XYPlot sub : combined.getSubplots()) {
                grid(sub);
            }
        } else if (plot instanceof XYPlot xy) {
            grid(xy);
        } else if (plot instanceof CategoryPlot category) {
            category.setRangeGridlinePaint(Color.LIGHT_GRAY);
        }
    }

    private static void grid(XYPlot plot) {
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    }

    /** The chart as a standalone SVG document. */
    public static String svg(JFreeChart chart) {
        SVGGraphics2D g = new SVGGraphics2D(WIDTH, HEIGHT);
        chart.draw(g, new Rectangle(0, 0, WIDTH, HEIGHT));
        return g.getSVGDocument();
    }
}
