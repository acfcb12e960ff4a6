import type { AssetKind } from "../../app/domain/vocabulary";

// Reference data for the demo program: the products a US manufacturer's plants really run, with the years they
// were sold and the firmware they shipped with, and the plants themselves. Model numbers and OUIs are close to
// the real ones; they only need to look right to a controls engineer, not to pass an audit.

/** An automation ecosystem a plant standardised on; plants buy mostly from theirs, rarely from others. */
export type VendorFamily =
  | "rockwell"
  | "siemens"
  | "schneider"
  | "mitsubishi"
  | "omron"
  | "ge"
  | "honeywell"
  | "abb"
  | "fanuc"
  | "yaskawa";

export interface CatalogEntry {
  kind: AssetKind;
  vendor: string;
  model: string;
  /** null for products every plant buys alike: IT hardware, network gear, cameras, printers. */
  family: VendorFamily | null;
  /** Years the product was installed new; `to` null means still sold. */
  years: readonly [from: number, to: number | null];
  /** Oldest first: old installs tend to run old firmware. */
  firmware: readonly string[];
  /** MAC prefixes of the hardware maker (for software products, of the server they run on). */
  oui: readonly string[];
  /** Relative share among entries of the same kind that fit a plant and a year. */
  weight: number;
  /** Sub-type for kind `other` (VIS vision, GW gateway, SNS passive sensor, BMS building management). */
  subtype?: "VIS" | "GW" | "SNS" | "BMS";
}

const OUI = {
  rockwell: ["00:00:BC", "5C:88:16", "E4:90:69", "F4:54:33"],
  siemens: ["00:0E:8C", "00:1B:1B", "28:63:36", "8C:F3:19", "AC:64:17"],
  schneider: ["00:80:F4", "00:00:54"],
  mitsubishi: ["00:26:92", "08:00:70"],
  omron: ["00:00:0A"],
  ge: ["00:09:91"],
  honeywell: ["00:40:84"],
  abb: ["00:24:59", "00:02:A3"],
  fanuc: ["00:E0:E4"],
  yaskawa: ["00:20:B5"],
  dell: ["14:18:77", "18:66:DA", "D4:81:D7", "F8:BC:12", "B0:83:FE"],
  hpe: ["9C:8E:99", "3C:A8:2A", "94:40:C9"],
  hp: ["3C:D9:2B", "A0:D3:C1"],
  cisco: ["00:1B:54", "70:0F:6A", "F8:7B:20", "00:25:84"],
  hirschmann: ["00:80:63"],
  moxa: ["00:90:E8"],
  ntron: ["00:07:AF"],
  fortinet: ["00:09:0F", "90:6C:AC", "70:4C:A5"],
  paloalto: ["00:1B:17", "B4:0C:25"],
  axis: ["00:40:8C", "AC:CC:8E", "B8:A4:4F"],
  zebra: ["00:07:4D"],
  cognex: ["00:D0:24"],
  sel: ["00:30:A7"],
  emersonRoc: ["00:0E:E4"],
  wago: ["00:30:DE"],
  pilz: ["00:0F:D6"],
  jci: ["00:10:7F"],
  tridium: ["00:01:F0"],
} as const;

type Row = [
  kind: AssetKind,
  vendor: string,
  model: string,
  family: VendorFamily | null,
  years: readonly [number, number | null],
  firmware: readonly string[],
  oui: readonly string[],
  weight: number,
  subtype?: CatalogEntry["subtype"]
];

// One product per line, so the table reads like a parts list.
// prettier-ignore
const ROWS: readonly Row[] = [
  // PLCs
  ["plc", "Rockwell Automation", "PLC-5/40E 1785-L40E", "rockwell", [2001, 2004], ["Ser. E Rev. D.1", "Ser. F Rev. B.3", "Ser. F Rev. C.1"], OUI.rockwell, 2],
  ["plc", "Rockwell Automation", "SLC 5/05 1747-L552", "rockwell", [2001, 2009], ["Ser. C FRN 8", "Ser. C FRN 10", "Ser. C FRN 11"], OUI.rockwell, 4],
  ["plc", "Rockwell Automation", "SLC 5/04 1747-L542", "rockwell", [2001, 2007], ["Ser. C FRN 6", "Ser. C FRN 9", "Ser. C FRN 11"], OUI.rockwell, 2],
  ["plc", "Rockwell Automation", "ControlLogix 1756-L55", "rockwell", [2002, 2008], ["v13.034", "v15.005", "v16.022"], OUI.rockwell, 2],
  ["plc", "Rockwell Automation", "ControlLogix 1756-L61", "rockwell", [2005, 2012], ["v16.020", "v17.011", "v19.011", "v20.013"], OUI.rockwell, 4],
  ["plc", "Rockwell Automation", "ControlLogix 1756-L63", "rockwell", [2005, 2012], ["v16.020", "v19.011", "v20.055"], OUI.rockwell, 3],
  ["plc", "Rockwell Automation", "ControlLogix 1756-L71", "rockwell", [2011, 2019], ["v20.054", "v24.011", "v28.012", "v30.014", "v32.011"], OUI.rockwell, 4],
  ["plc", "Rockwell Automation", "ControlLogix 1756-L73", "rockwell", [2011, 2019], ["v20.054", "v24.011", "v30.014", "v33.011"], OUI.rockwell, 3],
  ["plc", "Rockwell Automation", "ControlLogix 1756-L83E", "rockwell", [2017, null], ["v30.011", "v32.013", "v33.011", "v34.011", "v35.013"], OUI.rockwell, 5],
  ["plc", "Rockwell Automation", "ControlLogix 1756-L85E", "rockwell", [2017, null], ["v30.011", "v32.013", "v33.011", "v35.013"], OUI.rockwell, 2],
  ["plc", "Rockwell Automation", "CompactLogix 1769-L35E", "rockwell", [2004, 2014], ["v15.004", "v16.022", "v17.011", "v20.016"], OUI.rockwell, 4],
  ["plc", "Rockwell Automation", "CompactLogix 1769-L33ER", "rockwell", [2013, 2021], ["v24.011", "v28.012", "v30.013", "v32.012"], OUI.rockwell, 4],
  ["plc", "Rockwell Automation", "CompactLogix 5380 5069-L320ER", "rockwell", [2018, null], ["v31.011", "v32.013", "v33.011", "v34.011", "v35.013"], OUI.rockwell, 4],
  ["plc", "Rockwell Automation", "MicroLogix 1100 1763-L16BWA", "rockwell", [2005, 2018], ["FRN 10", "FRN 14", "FRN 16"], OUI.rockwell, 2],
  ["plc", "Rockwell Automation", "MicroLogix 1400 1766-L32BXB", "rockwell", [2008, 2021], ["FRN 15.003", "FRN 21.003", "FRN 21.007"], OUI.rockwell, 2],
  ["plc", "Siemens", "S7-300 CPU 315-2 DP 6ES7 315-2AG10-0AB0", "siemens", [2001, 2011], ["V2.0.12", "V2.6.7", "V2.6.12"], OUI.siemens, 4],
  ["plc", "Siemens", "S7-300 CPU 315-2 PN/DP 6ES7 315-2EH14-0AB0", "siemens", [2006, 2020], ["V3.1.2", "V3.2.6", "V3.2.17"], OUI.siemens, 5],
  ["plc", "Siemens", "S7-400 CPU 416-2 6ES7 416-2XN05-0AB0", "siemens", [2002, 2014], ["V5.1.0", "V5.3.2", "V5.6.0"], OUI.siemens, 2],
  ["plc", "Siemens", "S7-400 CPU 416-3 PN/DP 6ES7 416-3ES07-0AB0", "siemens", [2012, 2021], ["V6.0.3", "V6.0.9"], OUI.siemens, 1],
  ["plc", "Siemens", "S7-1200 CPU 1214C DC/DC/DC 6ES7 214-1AG40-0XB0", "siemens", [2010, null], ["V2.2.0", "V4.2.3", "V4.4.1", "V4.5.2", "V4.6.1"], OUI.siemens, 4],
  ["plc", "Siemens", "S7-1500 CPU 1516-3 PN/DP 6ES7 516-3AN02-0AB0", "siemens", [2014, null], ["V2.5.2", "V2.8.3", "V2.9.4", "V3.0.3", "V3.1.2"], OUI.siemens, 5],
  ["plc", "Schneider Electric", "Modicon Quantum 140CPU65150", "schneider", [2001, 2016], ["2.70", "3.20", "3.60"], OUI.schneider, 3],
  ["plc", "Schneider Electric", "Modicon M340 BMXP342020", "schneider", [2007, null], ["2.40", "2.70", "3.01", "3.20", "3.40"], OUI.schneider, 4],
  ["plc", "Schneider Electric", "Modicon M580 BMEP582040", "schneider", [2014, null], ["2.30", "2.90", "3.10", "4.10", "4.20"], OUI.schneider, 3],
  ["plc", "Mitsubishi Electric", "MELSEC-Q Q02HCPU", "mitsubishi", [2001, 2009], ["Ver. A", "Ver. B"], OUI.mitsubishi, 2],
  ["plc", "Mitsubishi Electric", "MELSEC-Q Q03UDECPU", "mitsubishi", [2008, 2020], ["Ver. B", "Ver. C", "Ver. D"], OUI.mitsubishi, 4],
  ["plc", "Mitsubishi Electric", "MELSEC iQ-R R04CPU", "mitsubishi", [2015, null], ["Ver. 24", "Ver. 41", "Ver. 57", "Ver. 65"], OUI.mitsubishi, 4],
  ["plc", "Omron", "SYSMAC CS1G-CPU44H", "omron", [2001, 2010], ["Ver. 3.0", "Ver. 4.0"], OUI.omron, 2],
  ["plc", "Omron", "SYSMAC CJ2M-CPU33", "omron", [2009, null], ["Ver. 2.0", "Ver. 2.1"], OUI.omron, 4],
  ["plc", "Omron", "Sysmac NJ501-1300", "omron", [2012, null], ["Ver. 1.21", "Ver. 1.40", "Ver. 1.50", "Ver. 1.64"], OUI.omron, 4],
  ["plc", "GE Fanuc", "Series 90-30 IC693CPU374", "ge", [2001, 2011], ["10.50", "12.00", "14.00"], OUI.ge, 3],
  ["plc", "Emerson", "PACSystems RX3i IC695CPE305", "ge", [2013, null], ["8.60", "9.40", "10.05"], OUI.ge, 3],
  ["plc", "Emerson", "PACSystems RX3i IC695CPE330", "ge", [2015, null], ["9.70", "10.30", "10.60"], OUI.ge, 2],
  ["plc", "Honeywell", "Experion C300 CC-PCNT02", "honeywell", [2008, null], ["R431.4", "R501.6", "R511.5", "R520.2"], OUI.honeywell, 5],
  ["plc", "Honeywell", "Experion C200 TC-PRS021", "honeywell", [2001, 2010], ["R301.1", "R310.3"], OUI.honeywell, 2],
  ["plc", "ABB", "AC500 PM573-ETH", "abb", [2010, null], ["2.2.3", "2.5.2", "2.8.4", "3.0.2"], OUI.abb, 3],
  ["plc", "ABB", "AC800M PM864A", "abb", [2004, null], ["5.1.1", "6.0.3", "6.1.1"], OUI.abb, 1],

  // Safety controllers
  ["safety_plc", "Rockwell Automation", "GuardPLC 1800 1753-L28BBBM", "rockwell", [2004, 2012], ["2.63", "3.04"], OUI.rockwell, 1],
  ["safety_plc", "Rockwell Automation", "GuardLogix 1756-L63S", "rockwell", [2005, 2013], ["v16.077", "v17.013", "v20.013"], OUI.rockwell, 2],
  ["safety_plc", "Rockwell Automation", "GuardLogix 1756-L73S", "rockwell", [2011, 2020], ["v20.054", "v24.011", "v31.011"], OUI.rockwell, 3],
  ["safety_plc", "Rockwell Automation", "GuardLogix 1756-L83ES", "rockwell", [2018, null], ["v31.011", "v32.012", "v33.011", "v35.013"], OUI.rockwell, 3],
  ["safety_plc", "Rockwell Automation", "Compact GuardLogix 5380 5069-L330ERS2", "rockwell", [2019, null], ["v32.011", "v33.011", "v34.011"], OUI.rockwell, 2],
  ["safety_plc", "Siemens", "S7-300F CPU 317F-2 PN/DP", "siemens", [2006, 2018], ["V3.2.8", "V3.2.17"], OUI.siemens, 2],
  ["safety_plc", "Siemens", "S7-1500F CPU 1516F-3 PN/DP", "siemens", [2014, null], ["V2.8.3", "V2.9.7", "V3.0.3"], OUI.siemens, 3],
  ["safety_plc", "Schneider Electric", "Modicon M580 Safety BMEP584040S", "schneider", [2017, null], ["2.70", "3.10", "4.01"], OUI.schneider, 2],
  ["safety_plc", "Honeywell", "Safety Manager SC FC-SCA-0001", "honeywell", [2014, null], ["R160.1", "R162.2"], OUI.honeywell, 2],
  ["safety_plc", "Pilz", "PNOZmulti 2 PNOZ m B1", null, [2015, null], ["1.4", "1.6"], OUI.pilz, 0.5],

  // HMIs
  ["hmi", "Rockwell Automation", "PanelView 1000 2711-T10C20", "rockwell", [2001, 2008], ["FRN 4.46", "FRN 4.48"], OUI.rockwell, 3],
  ["hmi", "Rockwell Automation", "PanelView Plus 600 2711P-T6C20D", "rockwell", [2003, 2013], ["v3.20", "v5.10", "v6.00", "v8.10"], OUI.rockwell, 4],
  ["hmi", "Rockwell Automation", "PanelView Plus 1000 2711P-T10C4D8", "rockwell", [2005, 2015], ["v5.10", "v6.10", "v8.20"], OUI.rockwell, 4],
  ["hmi", "Rockwell Automation", "PanelView Plus 7 2711P-T12W22D8S", "rockwell", [2014, null], ["v10.0", "v11.0", "v12.0", "v13.0"], OUI.rockwell, 5],
  ["hmi", "Siemens", 'SIMATIC MP 270B 10" Touch', "siemens", [2001, 2007], ["V6.0 SP3", "V6.0 SP4"], OUI.siemens, 2],
  ["hmi", "Siemens", 'SIMATIC HMI MP 377 12" Touch', "siemens", [2006, 2015], ["V1.1.0", "V1.3.1"], OUI.siemens, 3],
  ["hmi", "Siemens", "SIMATIC HMI TP700 Comfort", "siemens", [2012, null], ["V13.0.1", "V14.0.1", "V15.1.0", "V16.0.0", "V17.0.0"], OUI.siemens, 4],
  ["hmi", "Siemens", "SIMATIC HMI TP1200 Comfort", "siemens", [2012, null], ["V13.0.1", "V15.1.0", "V16.0.0", "V17.0.0", "V18.0.0"], OUI.siemens, 4],
  ["hmi", "Schneider Electric", "Magelis XBTGT5330", "schneider", [2004, 2014], ["V5.0", "V5.5"], OUI.schneider, 2],
  ["hmi", "Schneider Electric", "Magelis HMIGTO5310", "schneider", [2012, null], ["V6.1", "V6.2", "V6.3"], OUI.schneider, 3],
  ["hmi", "Mitsubishi Electric", "GOT-A900 A975GOT", "mitsubishi", [2001, 2006], ["Ver. P", "Ver. Q"], OUI.mitsubishi, 1],
  ["hmi", "Mitsubishi Electric", "GOT1000 GT1575-VNBA", "mitsubishi", [2005, 2015], ["Ver. 1.150", "Ver. 1.236"], OUI.mitsubishi, 2],
  ["hmi", "Mitsubishi Electric", "GOT2000 GT2510-VTBA", "mitsubishi", [2013, null], ["1.200", "1.245", "1.290"], OUI.mitsubishi, 3],
  ["hmi", "Omron", "NT631C-ST151-V2", "omron", [2001, 2005], ["Ver. 2.1"], OUI.omron, 1],
  ["hmi", "Omron", "NS10-TV00B-V2", "omron", [2003, 2016], ["Ver. 6.6", "Ver. 8.3", "Ver. 8.9"], OUI.omron, 3],
  ["hmi", "Omron", "NA5-12W101S", "omron", [2015, null], ["1.08", "1.12", "1.15"], OUI.omron, 3],
  ["hmi", "GE Fanuc", "QuickPanel QPI31200S2P", "ge", [2001, 2010], ["6.1", "7.0"], OUI.ge, 2],
  ["hmi", "Emerson", "QuickPanel+ IC755CSS12CDA", "ge", [2013, null], ["5.3", "6.2"], OUI.ge, 2],
  ["hmi", "ABB", "CP620 Control Panel", "abb", [2014, null], ["1.7.1", "2.1.0"], OUI.abb, 1],

  // Drives
  ["drive", "Rockwell Automation", "PowerFlex 70 20A", "rockwell", [2001, 2012], ["2.005", "3.003", "4.001"], OUI.rockwell, 3],
  ["drive", "Rockwell Automation", "PowerFlex 40 22B-D010N104", "rockwell", [2003, 2015], ["4.02", "5.01", "6.04"], OUI.rockwell, 3],
  ["drive", "Rockwell Automation", "PowerFlex 525 25B-D010N104", "rockwell", [2013, null], ["4.001", "5.001", "6.001", "7.001"], OUI.rockwell, 6],
  ["drive", "Rockwell Automation", "PowerFlex 755 20G1", "rockwell", [2010, null], ["10.004", "12.003", "13.003", "14.002"], OUI.rockwell, 3],
  ["drive", "Siemens", "MICROMASTER 440", "siemens", [2001, 2012], ["V2.1", "V2.2", "V3.0"], OUI.siemens, 2],
  ["drive", "Siemens", "SINAMICS G120 CU240E-2 PN", "siemens", [2008, null], ["V4.5", "V4.7 SP3", "V4.7 SP10", "V4.7 SP13"], OUI.siemens, 5],
  ["drive", "Siemens", "SINAMICS S120 CU320-2 PN", "siemens", [2010, null], ["V4.7", "V5.2 SP3"], OUI.siemens, 1],
  ["drive", "Schneider Electric", "Altivar 71 ATV71HD15N4", "schneider", [2005, 2016], ["V3.3", "V3.6"], OUI.schneider, 2],
  ["drive", "Schneider Electric", "Altivar Process ATV630D15N4", "schneider", [2015, null], ["V1.7", "V2.8", "V3.2"], OUI.schneider, 3],
  ["drive", "Mitsubishi Electric", "FR-A700 FR-A740-11K", "mitsubishi", [2005, 2014], ["Ver. 8", "Ver. 11"], OUI.mitsubishi, 2],
  ["drive", "Mitsubishi Electric", "FR-A800 FR-A840-00250", "mitsubishi", [2014, null], ["Ver. 1.04", "Ver. 1.11"], OUI.mitsubishi, 3],
  ["drive", "ABB", "ACS800-01", "abb", [2001, 2013], ["ASXR7360", "ASXR7400"], OUI.abb, 2],
  ["drive", "ABB", "ACS880-01", "abb", [2012, null], ["2.61", "3.20", "3.40"], OUI.abb, 3],
  ["drive", "Omron", "MX2 3G3MX2-A4040", "omron", [2010, null], ["2.0", "2.3"], OUI.omron, 2],
  ["drive", "Yaskawa", "GA800 CIPR-GA80U4031", "yaskawa", [2019, null], ["1020", "1031"], OUI.yaskawa, 1],

  // I/O adapters and communication modules
  ["io_adapter", "Rockwell Automation", "FLEX I/O 1794-AENT", "rockwell", [2001, 2014], ["2.003", "3.001", "4.003"], OUI.rockwell, 3],
  ["io_adapter", "Rockwell Automation", "1756-ENBT EtherNet/IP module", "rockwell", [2001, 2012], ["3.006", "4.008", "6.006"], OUI.rockwell, 3],
  ["io_adapter", "Rockwell Automation", "1756-EN2T EtherNet/IP module", "rockwell", [2009, null], ["5.008", "10.010", "11.002", "12.001"], OUI.rockwell, 4],
  ["io_adapter", "Rockwell Automation", "POINT I/O 1734-AENT", "rockwell", [2004, 2018], ["2.003", "3.012", "5.017"], OUI.rockwell, 5],
  ["io_adapter", "Rockwell Automation", "POINT I/O 1734-AENTR", "rockwell", [2012, null], ["5.018", "6.002", "7.001"], OUI.rockwell, 5],
  ["io_adapter", "Siemens", "ET 200S IM151-3 PN", "siemens", [2005, 2016], ["V2.0.0", "V7.0.1"], OUI.siemens, 3],
  ["io_adapter", "Siemens", "ET 200M IM153-4 PN", "siemens", [2008, null], ["V3.0.0", "V4.0.0"], OUI.siemens, 2],
  ["io_adapter", "Siemens", "ET 200SP IM155-6 PN ST", "siemens", [2013, null], ["V3.1.0", "V4.1.0", "V4.2.0"], OUI.siemens, 5],
  ["io_adapter", "Schneider Electric", "Modicon X80 BMXCRA31210", "schneider", [2009, null], ["1.50", "2.12", "2.40"], OUI.schneider, 3],
  ["io_adapter", "Schneider Electric", "Modicon Quantum 140NOE77101", "schneider", [2001, 2015], ["3.60", "5.50", "6.40"], OUI.schneider, 2],
  ["io_adapter", "Mitsubishi Electric", "MELSEC-Q QJ71E71-100", "mitsubishi", [2001, 2020], ["Ver. C", "Ver. D"], OUI.mitsubishi, 3],
  ["io_adapter", "Mitsubishi Electric", "MELSEC iQ-R RJ71EN71", "mitsubishi", [2015, null], ["Ver. 12", "Ver. 23"], OUI.mitsubishi, 3],
  ["io_adapter", "Omron", "NX-EIC202 EtherNet/IP coupler", "omron", [2015, null], ["1.2", "1.4"], OUI.omron, 3],
  ["io_adapter", "Omron", "CJ1W-EIP21", "omron", [2008, null], ["Ver. 2.1", "Ver. 3.0"], OUI.omron, 2],
  ["io_adapter", "GE Fanuc", "VersaMax IC200EBI001", "ge", [2002, 2016], ["2.70", "3.20"], OUI.ge, 2],
  ["io_adapter", "Emerson", "RSTi-EP EPXPNS001", "ge", [2016, null], ["1.30", "2.10"], OUI.ge, 2],
  ["io_adapter", "Honeywell", "Series C I/O CC-PAIH02", "honeywell", [2008, null], ["R431.1", "R511.1"], OUI.honeywell, 3],
  ["io_adapter", "ABB", "S800 I/O CI840A", "abb", [2004, null], ["3.2", "3.4"], OUI.abb, 2],
  ["io_adapter", "WAGO", "750-352 ETHERNET fieldbus coupler", null, [2009, null], ["FW 11", "FW 13", "FW 15"], OUI.wago, 0.6],

  // Robot controllers
  ["robot_controller", "FANUC", "R-J3iB", "fanuc", [2001, 2008], ["V6.22P/15", "V6.40P/33"], OUI.fanuc, 3],
  ["robot_controller", "FANUC", "R-30iA", "fanuc", [2007, 2015], ["V7.30P/48", "V7.70P/50"], OUI.fanuc, 4],
  ["robot_controller", "FANUC", "R-30iB", "fanuc", [2013, 2020], ["V8.20P/27", "V8.30P/24", "V8.30P/39"], OUI.fanuc, 5],
  ["robot_controller", "FANUC", "R-30iB Plus", "fanuc", [2018, null], ["V9.10P/28", "V9.30P/09", "V9.40P/16"], OUI.fanuc, 5],
  ["robot_controller", "ABB", "S4Cplus", "abb", [2001, 2006], ["RobotWare 4.0.100"], OUI.abb, 2],
  ["robot_controller", "ABB", "IRC5", "abb", [2005, null], ["RobotWare 5.15", "RobotWare 6.08", "RobotWare 6.14"], OUI.abb, 4],
  ["robot_controller", "Yaskawa Motoman", "DX200", "yaskawa", [2011, 2021], ["DN2.42.00A", "DN3.10.00A"], OUI.yaskawa, 3],
  ["robot_controller", "Yaskawa Motoman", "YRC1000", "yaskawa", [2017, null], ["YAS2.80.00", "YAS4.12.00"], OUI.yaskawa, 3],

  // Remote terminal units (utilities: boilers, compressors, refrigeration, wastewater)
  ["rtu", "Schweitzer Engineering Laboratories", "SEL-3530 RTAC", null, [2012, null], ["R144", "R150", "R151"], OUI.sel, 2],
  ["rtu", "Schneider Electric", "SCADAPack 357", "schneider", [2006, 2019], ["2.71", "3.06"], OUI.schneider, 2],
  ["rtu", "ABB", "RTU560 560CMU05", "abb", [2005, null], ["12.2", "13.0"], OUI.abb, 1],
  ["rtu", "Emerson", "ROC800", null, [2004, null], ["3.62", "3.80"], OUI.emersonRoc, 1],

  // Switches
  ["switch", "Cisco", "Catalyst 2950G-24-EI", null, [2001, 2008], ["12.1(22)EA14", "12.1(22)EA13"], OUI.cisco, 2],
  ["switch", "Cisco", "IE-3000-8TC", null, [2008, 2017], ["12.2(55)SE10", "15.0(2)SE11", "15.2(4)EA9"], OUI.cisco, 3],
  ["switch", "Cisco", "IE-4000-8GT4G-E", null, [2015, null], ["15.2(4)EA9", "15.2(7)E3", "15.2(8)E4"], OUI.cisco, 4],
  ["switch", "Rockwell Automation", "Stratix 8000 1783-MS10T", "rockwell", [2008, 2016], ["12.2(50)SE2", "15.2(4)EA7"], OUI.rockwell, 3],
  ["switch", "Rockwell Automation", "Stratix 5700 1783-BMS10CGL", "rockwell", [2012, null], ["15.2(4)EA7", "15.2(7)E4", "15.2(8)E3"], OUI.rockwell, 5],
  ["switch", "Hirschmann", "RS20-0800T1T1SDAE", null, [2006, 2019], ["Classic 07.1.04", "Classic 09.0.08", "Classic 09.1.05"], OUI.hirschmann, 3],
  ["switch", "Siemens", "SCALANCE X208", "siemens", [2006, 2017], ["V4.0.2", "V4.1.4"], OUI.siemens, 3],
  ["switch", "Siemens", "SCALANCE XC208", "siemens", [2016, null], ["V4.1.1", "V4.3.0", "V4.4.0"], OUI.siemens, 4],
  ["switch", "Moxa", "EDS-408A", null, [2008, null], ["3.8", "3.9", "4.1"], OUI.moxa, 2],
  ["switch", "N-Tron", "708TX", null, [2003, 2015], ["3.1.2", "4.0.1"], OUI.ntron, 1],

  // Firewalls
  ["firewall", "Tofino Security", "Tofino Xenon Security Appliance", null, [2010, 2018], ["3.1.0", "3.2.1"], OUI.hirschmann, 1],
  ["firewall", "Cisco", "ASA 5506-X", null, [2015, 2021], ["ASA 9.8(4)", "ASA 9.12(4)"], OUI.cisco, 2],
  ["firewall", "Cisco", "ISA-3000-4C", null, [2016, null], ["ASA 9.16(4)", "FTD 7.0.5", "FTD 7.2.5"], OUI.cisco, 3],
  ["firewall", "Fortinet", "FortiGate Rugged 35D", null, [2016, 2021], ["FortiOS 6.0.14", "FortiOS 6.2.15"], OUI.fortinet, 2],
  ["firewall", "Fortinet", "FortiGate Rugged 60F", null, [2020, null], ["FortiOS 7.0.12", "FortiOS 7.2.8", "FortiOS 7.4.3"], OUI.fortinet, 4],
  ["firewall", "Palo Alto Networks", "PA-220R", null, [2018, null], ["PAN-OS 10.1.11", "PAN-OS 10.2.7", "PAN-OS 11.1.2"], OUI.paloalto, 4],

  // Historians and SCADA servers: the vendor is the software's, the MAC the server's.
  ["historian", "OSIsoft", "PI Server 2016 R2", null, [2016, 2019], ["PI Data Archive 3.4.405.1198"], OUI.dell, 3],
  ["historian", "OSIsoft", "PI Server 2018 SP3", null, [2019, 2022], ["PI Data Archive 3.4.430.460", "PI Data Archive 3.4.435.604"], OUI.dell, 4],
  ["historian", "AVEVA", "PI Server 2023", null, [2023, null], ["PI Data Archive 3.4.440.477", "PI Data Archive 3.4.445.688"], OUI.hpe, 4],
  ["historian", "Wonderware", "Historian 2014 R2", null, [2014, 2019], ["11.6.12100"], OUI.hpe, 2],
  ["historian", "AVEVA", "Historian 2020 R2", null, [2020, null], ["20.1.000", "20.1.100"], OUI.dell, 2],
  ["historian", "Rockwell Automation", "FactoryTalk Historian SE 7.0", "rockwell", [2019, null], ["7.0.0", "8.0.0"], OUI.dell, 2],
  ["historian", "Honeywell", "Uniformance PHD R320", "honeywell", [2014, null], ["R320.2", "R400.1"], OUI.dell, 2],
  ["scada_server", "Rockwell Automation", "RSView32", "rockwell", [2001, 2010], ["7.40", "7.60"], OUI.dell, 2],
  ["scada_server", "Rockwell Automation", "FactoryTalk View SE Server", "rockwell", [2008, null], ["v6.10", "v8.20", "v10.00", "v11.00", "v12.00", "v13.00"], OUI.dell, 6],
  ["scada_server", "Siemens", "SIMATIC WinCC V7.5", "siemens", [2017, null], ["V7.5 SP1", "V7.5 SP2 Upd 12"], OUI.siemens, 4],
  ["scada_server", "Siemens", "SIMATIC WinCC V7.0", "siemens", [2008, 2017], ["V7.0 SP3", "V7.2"], OUI.siemens, 2],
  ["scada_server", "Wonderware", "InTouch 10.1", null, [2008, 2016], ["10.1 SP3"], OUI.hpe, 2],
  ["scada_server", "AVEVA", "InTouch HMI 2020 R2", null, [2020, null], ["20.1.000", "20.1 SP1"], OUI.dell, 2],
  ["scada_server", "Inductive Automation", "Ignition 8.1", null, [2020, null], ["8.1.17", "8.1.33", "8.1.44"], OUI.dell, 3],
  ["scada_server", "GE Digital", "iFIX 6.5", "ge", [2019, null], ["6.5", "2023"], OUI.hpe, 2],
  ["scada_server", "Honeywell", "Experion PKS Server", "honeywell", [2010, null], ["R431.4", "R501.6", "R511.5", "R520.2"], OUI.hpe, 5],
  ["scada_server", "Schneider Electric", "EcoStruxure Geo SCADA Expert 2022", "schneider", [2022, null], ["83.8180.1"], OUI.dell, 2],
  ["scada_server", "Mitsubishi Electric", "MC Works64", "mitsubishi", [2014, null], ["4.04", "4.06"], OUI.dell, 2],
  ["scada_server", "Omron", "CX-Supervisor 4.0", "omron", [2015, null], ["4.0.0", "4.0.3"], OUI.dell, 2],

  // Engineering workstations: the OS and the engineering suite they carry.
  ["engineering_workstation", "Dell", "Precision 390", null, [2006, 2010], ["Windows XP SP3 / RSLogix 500 v8.40"], OUI.dell, 1],
  ["engineering_workstation", "Dell", "Precision T3610", null, [2013, 2017], ["Windows 7 SP1 / RSLogix 5000 v20", "Windows 7 SP1 / STEP 7 V5.5 SP4"], OUI.dell, 2],
  ["engineering_workstation", "Dell", "Precision 5820 Tower", null, [2018, 2022], [ "Windows 10 LTSC 2019 / Studio 5000 v32", "Windows 10 LTSC 2019 / TIA Portal V16", "Windows 10 LTSC 2021 / Studio 5000 v33", ], OUI.dell, 4],
  ["engineering_workstation", "Dell", "Precision 7550", null, [2020, 2023], ["Windows 10 LTSC 2019 / TIA Portal V17", "Windows 10 LTSC 2021 / Studio 5000 v34"], OUI.dell, 3],
  ["engineering_workstation", "Dell", "Precision 3660 Tower", null, [2022, null], ["Windows 11 IoT LTSC 2024 / Studio 5000 v36", "Windows 11 IoT LTSC 2024 / TIA Portal V19"], OUI.dell, 4],
  ["engineering_workstation", "Siemens", "SIMATIC Field PG M6", "siemens", [2019, null], ["Windows 10 LTSC 2019 / TIA Portal V18"], OUI.siemens, 3],

  ["server", "Dell", "PowerEdge R710", null, [2009, 2014], ["Windows Server 2008 R2 SP1"], OUI.dell, 1],
  ["server", "Dell", "PowerEdge R730", null, [2014, 2018], ["Windows Server 2012 R2", "Windows Server 2016"], OUI.dell, 3],
  ["server", "Dell", "PowerEdge R740", null, [2018, 2022], ["Windows Server 2019", "VMware ESXi 7.0 U3"], OUI.dell, 4],
  ["server", "Dell", "PowerEdge R750", null, [2021, null], ["Windows Server 2022", "VMware ESXi 8.0 U2"], OUI.dell, 4],
  ["server", "HPE", "ProLiant DL380 Gen10", null, [2018, null], ["Windows Server 2019", "Windows Server 2022"], OUI.hpe, 3],

  ["workstation", "Dell", "OptiPlex 755", null, [2007, 2011], ["Windows XP SP3"], OUI.dell, 1],
  ["workstation", "Dell", "OptiPlex 9020", null, [2013, 2017], ["Windows 7 SP1", "Windows 10 LTSB 2016"], OUI.dell, 2],
  ["workstation", "Dell", "OptiPlex 7070", null, [2019, 2023], ["Windows 10 LTSC 2019"], OUI.dell, 4],
  ["workstation", "Dell", "OptiPlex 7010", null, [2023, null], ["Windows 11 Enterprise 23H2", "Windows 11 IoT LTSC 2024"], OUI.dell, 4],

  ["printer", "Zebra", "105SL", null, [2001, 2011], ["V56.17.11Z"], OUI.zebra, 2],
  ["printer", "Zebra", "ZM400", null, [2006, 2014], ["V53.17.22Z", "V60.17.7Z"], OUI.zebra, 2],
  ["printer", "Zebra", "ZT410", null, [2013, 2021], ["V75.19.15Z", "V75.20.21Z"], OUI.zebra, 4],
  ["printer", "Zebra", "ZT411", null, [2021, null], ["V92.21.26Z", "V92.21.39Z"], OUI.zebra, 4],
  ["printer", "HP", "LaserJet Enterprise M507", null, [2019, null], ["2409081_063151"], OUI.hp, 2],

  ["camera", "Axis", "P3364-V", null, [2012, 2018], ["6.50.4.2", "6.50.5.15"], OUI.axis, 2],
  ["camera", "Axis", "M3045-V", null, [2017, 2022], ["9.80.3.8", "10.12.206"], OUI.axis, 3],
  ["camera", "Axis", "P1455-LE", null, [2019, null], ["10.12.206", "11.8.64"], OUI.axis, 4],
  ["camera", "Axis", "Q6135-LE", null, [2019, null], ["10.12.206", "11.11.73"], OUI.axis, 2],

  // Everything else worth knowing about on an OT network.
  ["other", "Cognex", "In-Sight 5100", null, [2005, 2014], ["4.4.3", "4.10.3"], OUI.cognex, 2, "VIS"],
  ["other", "Cognex", "In-Sight 7802", null, [2016, null], ["5.7.1", "5.9.0", "6.1.0"], OUI.cognex, 3, "VIS"],
  ["other", "Moxa", "NPort 5150 serial device server", null, [2003, null], ["3.9", "4.0", "4.1"], OUI.moxa, 2, "GW"],
  ["other", "Moxa", "MGate 5105-MB-EIP gateway", null, [2013, null], ["3.2", "4.1", "4.3"], OUI.moxa, 2, "GW"],
  ["other", "Nozomi Networks", "Guardian NSG-M sensor", null, [2019, null], ["22.6.2", "23.4.0", "24.2.1"], OUI.dell, 3, "SNS"],
  ["other", "Dragos", "Platform sensor appliance", null, [2020, null], ["2.3.1", "2.4.0"], OUI.dell, 2, "SNS"],
  ["other", "Claroty", "xDome Collection Server", null, [2020, null], ["4.9.2", "5.1.0"], OUI.dell, 2, "SNS"],
  ["other", "Johnson Controls", "Metasys NAE55", null, [2008, 2020], ["8.1", "10.1", "11.0"], OUI.jci, 3, "BMS"],
  ["other", "Tridium", "Niagara JACE 8000", null, [2016, null], ["4.8.0.110", "4.12.1.16"], OUI.tridium, 3, "BMS"],
];

export const CATALOG: readonly CatalogEntry[] = ROWS.map(
  ([kind, vendor, model, family, years, firmware, oui, weight, subtype]) =>
    subtype
      ? { kind, vendor, model, family, years, firmware, oui, weight, subtype }
      : { kind, vendor, model, family, years, firmware, oui, weight }
);

export type Region = "Northeast" | "Midwest" | "South" | "Mountain" | "West";

/** A production area a line belongs to; `code` goes into asset names ("L3-PKG-PLC-04"). */
export interface ProductionArea {
  code: string;
  label: string;
  /** Utilities areas (boilers, compressed air, refrigeration, wastewater) carry RTUs. */
  utilities?: boolean;
}

export interface Industry {
  label: string;
  areas: readonly ProductionArea[];
  /** Robot controllers and label printers per 100 line devices. */
  robots: number;
  printers: number;
}

const area = (code: string, label: string, utilities = false): ProductionArea =>
  utilities ? { code, label, utilities } : { code, label };

export const INDUSTRIES = {
  autoComponents: {
    label: "Automotive drivetrain components",
    areas: [
      area("MCH", "Machining"),
      area("HT", "Heat treat"),
      area("ASM", "Assembly"),
      area("WLD", "Welding"),
      area("PKG", "Packaging"),
    ],
    robots: 5,
    printers: 1,
  },
  heavyEquipment: {
    label: "Heavy equipment components",
    areas: [
      area("MCH", "Machining"),
      area("WLD", "Weld"),
      area("PNT", "Paint"),
      area("ASM", "Assembly"),
      area("TST", "Test"),
    ],
    robots: 4,
    printers: 0.6,
  },
  furniture: {
    label: "Office seating",
    areas: [area("MOLD", "Molding"), area("FOAM", "Foam"), area("ASM", "Assembly"), area("PKG", "Packaging")],
    robots: 2.5,
    printers: 2,
  },
  chemicals: {
    label: "Specialty chemicals",
    areas: [area("BAT", "Batching"), area("RXN", "Reactors"), area("FIL", "Filling"), area("UTL", "Utilities", true)],
    robots: 0,
    printers: 1.5,
  },
  transmissions: {
    label: "Automatic transmissions",
    areas: [
      area("MCH", "Machining"),
      area("HT", "Heat treat"),
      area("ASM", "Assembly"),
      area("TST", "End-of-line test"),
      area("UTL", "Utilities", true),
    ],
    robots: 3,
    printers: 0.8,
  },
  hvac: {
    label: "Commercial HVAC equipment",
    areas: [
      area("FAB", "Sheet-metal fabrication"),
      area("BRZ", "Brazing"),
      area("ASM", "Assembly"),
      area("TST", "Run test"),
      area("PKG", "Packaging"),
    ],
    robots: 1.5,
    printers: 1.2,
  },
  electronics: {
    label: "Industrial electronics",
    areas: [
      area("SMT", "Surface mount"),
      area("ASM", "Box build"),
      area("TST", "Functional test"),
      area("PKG", "Packaging"),
    ],
    robots: 1,
    printers: 2,
  },
  tires: {
    label: "Passenger and light-truck tires",
    areas: [
      area("MIX", "Mixing"),
      area("EXT", "Extrusion"),
      area("BLD", "Tire building"),
      area("CUR", "Curing"),
      area("FIN", "Final finish"),
    ],
    robots: 1,
    printers: 0.8,
  },
  beverage: {
    label: "Beverage bottling",
    areas: [
      area("SYR", "Syrup room"),
      area("BLW", "Blow molding"),
      area("FIL", "Filling"),
      area("PKG", "Packaging"),
      area("UTL", "Utilities", true),
    ],
    robots: 0.8,
    printers: 1.8,
  },
  aerospace: {
    label: "Aerostructure composites",
    areas: [
      area("LAY", "Layup"),
      area("CUR", "Autoclave cure"),
      area("MCH", "Trim & drill"),
      area("NDT", "Inspection"),
    ],
    robots: 2,
    printers: 0.6,
  },
  defenseVehicles: {
    label: "Tactical vehicle subsystems",
    areas: [area("MCH", "Machining"), area("WLD", "Weld"), area("ASM", "Assembly"), area("TST", "Test")],
    robots: 3,
    printers: 0.8,
  },
  meat: {
    label: "Beef processing",
    areas: [
      area("FAB", "Fabrication"),
      area("GRD", "Grinding"),
      area("PKG", "Packaging"),
      area("PAL", "Palletizing"),
      area("UTL", "Refrigeration", true),
    ],
    robots: 0.8,
    printers: 3,
  },
  tomato: {
    label: "Tomato paste and sauces",
    areas: [
      area("RCV", "Receiving"),
      area("EVP", "Evaporation"),
      area("FIL", "Aseptic filling"),
      area("UTL", "Utilities", true),
    ],
    robots: 0,
    printers: 2,
  },
} as const satisfies Record<string, Industry>;

export type IndustryKey = keyof typeof INDUSTRIES;

export interface PlantSite {
  code: string;
  name: string;
  city: string;
  state: string;
  region: Region;
  timeZone: string;
  industry: IndustryKey;
  /** How strongly the plant buys from each automation ecosystem; unlisted ones show up only on bought-in skids. */
  families: Partial<Record<VendorFamily, number>>;
  /** Roughly how many networked devices the plant has. */
  assets: number;
  lines: number;
  /** Commissioning years of the oldest and newest production lines. */
  lineEra: readonly [number, number];
  /** Plants differ in how they name devices: "L3-PKG-PLC-04" or "PKG3-PLC-04". */
  naming: "line-first" | "area-first";
  dmz: boolean;
  /** Building management and cameras on their own network. */
  buildingNetwork: boolean;
}

export const PLANT_SITES: readonly PlantSite[] = [
  {
    code: "DAY",
    name: "Dayton Drivetrain",
    city: "Dayton",
    state: "OH",
    region: "Midwest",
    timeZone: "America/New_York",
    industry: "autoComponents",
    families: { rockwell: 10, fanuc: 5, siemens: 1 },
    assets: 2400,
    lines: 3,
    lineEra: [2001, 2018],
    naming: "line-first",
    dmz: true,
    buildingNetwork: true,
  },
  {
    code: "PEO",
    name: "Peoria Heavy Components",
    city: "Peoria",
    state: "IL",
    region: "Midwest",
    timeZone: "America/Chicago",
    industry: "heavyEquipment",
    families: { rockwell: 8, siemens: 3, fanuc: 3, abb: 2 },
    assets: 2900,
    lines: 3,
    lineEra: [2002, 2021],
    naming: "line-first",
    dmz: true,
    buildingNetwork: true,
  },
  {
    code: "GRR",
    name: "Grand Rapids Seating",
    city: "Grand Rapids",
    state: "MI",
    region: "Midwest",
    timeZone: "America/Detroit",
    industry: "furniture",
    families: { rockwell: 10, fanuc: 4, schneider: 1 },
    assets: 1500,
    lines: 3,
    lineEra: [2003, 2020],
    naming: "area-first",
    dmz: true,
    buildingNetwork: false,
  },
  {
    code: "OGD",
    name: "Ogden Specialty Chemicals",
    city: "Ogden",
    state: "UT",
    region: "Mountain",
    timeZone: "America/Denver",
    industry: "chemicals",
    families: { honeywell: 8, rockwell: 4, abb: 2 },
    assets: 620,
    lines: 2,
    lineEra: [2002, 2017],
    naming: "line-first",
    dmz: true,
    buildingNetwork: true,
  },
  {
    code: "KOK",
    name: "Kokomo Transmission",
    city: "Kokomo",
    state: "IN",
    region: "Midwest",
    timeZone: "America/Indiana/Indianapolis",
    industry: "transmissions",
    families: { rockwell: 8, mitsubishi: 4, fanuc: 4 },
    assets: 2100,
    lines: 5,
    lineEra: [2001, 2022],
    naming: "line-first",
    dmz: true,
    buildingNetwork: true,
  },
  {
    code: "FTW",
    name: "Fort Worth Climate Systems",
    city: "Fort Worth",
    state: "TX",
    region: "South",
    timeZone: "America/Chicago",
    industry: "hvac",
    families: { rockwell: 7, schneider: 4, yaskawa: 1 },
    assets: 1200,
    lines: 4,
    lineEra: [2005, 2021],
    naming: "area-first",
    dmz: false,
    buildingNetwork: false,
  },
  {
    code: "CHD",
    name: "Chandler Electronics",
    city: "Chandler",
    state: "AZ",
    region: "Mountain",
    timeZone: "America/Phoenix",
    industry: "electronics",
    families: { omron: 7, mitsubishi: 4, rockwell: 2 },
    assets: 800,
    lines: 3,
    lineEra: [2008, 2023],
    naming: "area-first",
    dmz: true,
    buildingNetwork: false,
  },
  {
    code: "GVL",
    name: "Greenville Tire",
    city: "Greenville",
    state: "SC",
    region: "South",
    timeZone: "America/New_York",
    industry: "tires",
    families: { siemens: 9, rockwell: 3, abb: 1 },
    assets: 1800,
    lines: 5,
    lineEra: [2001, 2020],
    naming: "area-first",
    dmz: true,
    buildingNetwork: true,
  },
  {
    code: "ALN",
    name: "Allentown Beverage",
    city: "Allentown",
    state: "PA",
    region: "Northeast",
    timeZone: "America/New_York",
    industry: "beverage",
    families: { rockwell: 6, siemens: 5 },
    assets: 700,
    lines: 4,
    lineEra: [2002, 2022],
    naming: "line-first",
    dmz: false,
    buildingNetwork: false,
  },
  {
    code: "EVR",
    name: "Everett Composites",
    city: "Everett",
    state: "WA",
    region: "West",
    timeZone: "America/Los_Angeles",
    industry: "aerospace",
    families: { siemens: 6, rockwell: 5, fanuc: 1 },
    assets: 1000,
    lines: 4,
    lineEra: [2006, 2023],
    naming: "line-first",
    dmz: true,
    buildingNetwork: true,
  },
  {
    code: "HSV",
    name: "Huntsville Vehicle Systems",
    city: "Huntsville",
    state: "AL",
    region: "South",
    timeZone: "America/Chicago",
    industry: "defenseVehicles",
    families: { rockwell: 8, fanuc: 3, omron: 2 },
    assets: 900,
    lines: 4,
    lineEra: [2003, 2021],
    naming: "line-first",
    dmz: true,
    buildingNetwork: false,
  },
  {
    code: "GRY",
    name: "Greeley Beef",
    city: "Greeley",
    state: "CO",
    region: "Mountain",
    timeZone: "America/Denver",
    industry: "meat",
    families: { rockwell: 8, schneider: 3 },
    assets: 1100,
    lines: 5,
    lineEra: [2001, 2020],
    naming: "area-first",
    dmz: true,
    buildingNetwork: true,
  },
  {
    code: "FRE",
    name: "Fresno Tomato Products",
    city: "Fresno",
    state: "CA",
    region: "West",
    timeZone: "America/Los_Angeles",
    industry: "tomato",
    families: { rockwell: 5, ge: 4, schneider: 3 },
    assets: 350,
    lines: 2,
    lineEra: [2001, 2016],
    naming: "line-first",
    dmz: false,
    buildingNetwork: false,
  },
];
