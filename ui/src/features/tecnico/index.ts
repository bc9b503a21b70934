export { TecnicoHome } from './TecnicoHome';
export { tecnicoText } from './strings';
