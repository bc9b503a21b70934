export type { Atendimento, LinkedPdf as AgendaPdf } from '../../lib/atendimentos';
