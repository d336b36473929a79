// G.107 (06/2015) clause 7, equations (7-1) to (7-31), with the defaults of Table 3 for every
// parameter sipdx cannot measure.
#include <sipdx/media/emodel.h>

#include <algorithm>
#include <cmath>

namespace sipdx::media {

namespace {

constexpr double slr = 8, rlr = 2, stmr = 15, lstr = 18, ds = 3, telr = 65, wepl = 110, qdu = 1,
                 nc = -70, nfor = -64, ps = 35, pr = 35, advantage = 0, m_t = 100, s_t = 1;

double p10(double x) {
    return std::pow(10.0, x);
}

} // namespace

double mos_from_r(double r) {
    if (r <= 0) return 1.0;
    if (r >= 100) return 4.5;
    return 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6;
}

EModelResult emodel(const EModelInputs& in) {
    EModelResult out;
    // Ro: noise at the listener's side (7-3 to 7-7).
    const double olr = slr + rlr;
    const double nfo = nfor + rlr;
    const double pre = pr + 10 * std::log10(1 + p10((10 - lstr) / 10));
    const double nor = rlr - 121 + pre + 0.008 * (pre - 35) * (pre - 35);
    const double nos = ps - slr - ds - 100 + 0.004 * (ps - olr - ds - 14) * (ps - olr - ds - 14);
    const double no = 10 * std::log10(p10(nc / 10) + p10(nos / 10) + p10(nor / 10) + p10(nfo / 10));
    out.ro = 15 - 1.5 * (slr + no);

    // Is = Iolr + Ist + Iq (7-8 to 7-18).
    const double xolr = olr + 0.2 * (64 + no - rlr);
    const double iolr = 20 * (std::pow(1 + std::pow(xolr / 8, 8), 1.0 / 8) - xolr / 8);
    const double stmro =
        -10 * std::log10(p10(-stmr / 10) + std::exp(-in.t_ms / 4) * p10(-telr / 10));
    const double ist = 12 * std::pow(1 + std::pow((stmro - 13) / 6, 8), 1.0 / 8) -
                       28 * std::pow(1 + std::pow((stmro + 1) / 19.4, 35), 1.0 / 35) -
                       13 * std::pow(1 + std::pow((stmro - 3) / 33, 13), 1.0 / 13) + 29;
    const double q = 37 - 15 * std::log10(qdu);
    const double g = 1.07 + 0.258 * q + 0.0602 * q * q;
    const double z = 46.0 / 30 - g / 40;
    const double y = (out.ro - 100) / 15 + 46.0 / 8.4 - g / 9;
    const double iq = 15 * std::log10(1 + p10(y) + p10(z));
    out.is = iolr + ist + iq;

    // Id = Idte + Idle + Idd (7-19 to 7-29); STMR 15 needs neither of the STMR corrections.
    const double t = in.t_ms;
    const double terv =
        telr - 40 * std::log10((1 + t / 10) / (1 + t / 150)) + 6 * std::exp(-0.3 * t * t);
    const double roe = -1.5 * (no - rlr);
    const double re = 80 + 2.5 * (terv - 14);
    const double idte =
        ((roe - re) / 2 + std::sqrt((roe - re) * (roe - re) / 4 + 100) - 1) * (1 - std::exp(-t));
    const double rle = 10.5 * (wepl + 7) * std::pow(in.tr_ms + 1, -0.25);
    const double idle = (out.ro - rle) / 2 + std::sqrt((out.ro - rle) * (out.ro - rle) / 4 + 169);
    double idd = 0;
    if (in.ta_ms > m_t) {
        const double x = std::log10(in.ta_ms / m_t) / std::log10(2.0);
        idd = 25 * (std::pow(1 + std::pow(x, 6 * s_t), 1 / (6 * s_t)) -
                    3 * std::pow(1 + std::pow(x / 3, 6 * s_t), 1 / (6 * s_t)) + 2);
    }
    out.id = idte + idle + idd;

    // Ie,eff (7-29): the codec's impairment grown by loss, burstier loss hurting more.
    const double burst_r = std::max(1.0, in.burst_r);
    out.ie_eff = in.ie + (95 - in.ie) * in.ppl / (in.ppl / burst_r + in.bpl);

    out.r = out.ro - out.is - out.id - out.ie_eff + advantage;
    out.mos = mos_from_r(out.r);
    return out;
}

} // namespace sipdx::media
