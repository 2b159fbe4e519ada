import { ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { compileBodyShape, type BodyShape } from '../../http/body-shape';
import { isString } from '../../http/field-checks';
import { CreateJobDto, JOB_BODY_SHAPE } from './create-job.dto';

/** A job body for POST /v1/routes/:task/plan: the path names the task, so the body need not. */
export class PlanRequestDto extends OmitType(CreateJobDto, ['task'] as const) {
  @ApiPropertyOptional({ description: 'Optional; when given it must be the task in the path' })
  task?: string;
}

const { task: _task, ...jobFields } = JOB_BODY_SHAPE;

// The task is reported first, as the one field the plan body declares itself.
const PLAN_BODY_SHAPE: BodyShape = {
  task: { presence: 'optional', checks: [isString()] },
  ...jobFields,
};

export const validatePlanBody = compileBodyShape(PLAN_BODY_SHAPE);
